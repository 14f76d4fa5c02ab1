package io.promstream.parse;

/** A sample's series as the text format writes it, {@code name{label="value",...}}, for messages that name it. */
public final class SeriesText {
    private SeriesText() {}

    public static String of(Sample sample) {
        StringBuilder text = new StringBuilder(sample.name()).append('{');
        for (int i = 0; i < sample.labelCount(); i++) {
            text.append(i == 0 ? "" : ",").append(sample.labelName(i)).append("=\"");
            String value = sample.labelValue(i);
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                switch (ch) {
                    case '\\' -> text.append("\\\\");
                    case '"' -> text.append("\\\"");
                    case '\n' -> text.append("\\n");
                    default -> text.append(ch);
                }
            }
            text.append('"');
        }
        return text.append('}').toString();
    }
}
