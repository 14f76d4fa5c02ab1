package io.promstream.ingest.http;

import java.math.BigDecimal;

/**
 * A number as Go's {@code %v} prints a float64 (the Pushgateway's API shows numbers so): the shortest digits that
 * read back as the same double, in exponent form ({@code 1e+06}, {@code 1.7954341154853964e+09},
 * {@code 1e-05}) when the exponent is below -4 or at least 6, else plain ({@code 123456}, {@code 0.5}).
 */
final class GoFloat {
    private GoFloat() {}

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
                    + Math.abs(exponent);
        }
        return sign + shortest.abs().toPlainString();
    }
}
