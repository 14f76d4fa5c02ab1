package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The numbers a known element's value is read from, and the table's shape. */
public class KnownElementsTest {
    /** Numbers of every shape, and bytes that are not one. */
    public static final String[] NUMBERS = {
        "1",
        "0",
        "-0",
        "7",
        "12345678901234",
        "123456789012345",
        "1234567890123456",
        "1234567890123456789",
        "2.5",
        "-3.25",
        "1e3",
        "1E-2",
        "2.5e+2",
        "0.1",
        "01",
        "-01",
        "00",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e400",
        "-1e400",
        "9".repeat(40),
        "1.5e-320",
        "3",
        "-7",
        "",
    };

    @Test
    void numbersReadAsTheJsonParserReadsThem() throws Exception {
        JsonFactory json = new JsonFactory();
        Random random = new Random(3);
        List<String> numbers = new ArrayList<>(List.of(NUMBERS));
        String alphabet = "0123456789-+.eE";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(random.nextBoolean() ? 10 : alphabet.length())));
            }
            numbers.add(b.toString());
        }
        for (String number : numbers) {
            byte[] bytes = number.getBytes(StandardCharsets.US_ASCII);
            double ours = JsonNumber.parse(bytes, 0, bytes.length);
            Double jackson = null;
            try (JsonParser parser = json.createParser("[" + number + "]")) {
                parser.nextToken();
                JsonToken token = parser.nextToken();
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    double value = parser.getDoubleValue();
                    jackson = parser.nextToken() == JsonToken.END_ARRAY ? value : null;
                }
            } catch (Exception e) {
                jackson = null;
            }
            if (jackson == null) {
                assertThat(ours).as(number).isNaN();
            } else {
                assertThat(Double.doubleToRawLongBits(ours)).as(number).isEqualTo(Double.doubleToRawLongBits(jackson));
            }
        }
    }

    @Test
    void slotsArePowersOfTwo() {
        Assertions.assertThatThrownBy(() -> new KnownElements<>(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
