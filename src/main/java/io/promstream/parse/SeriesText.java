package io.promstream.parse;

/** A sample's series as the text format writes it, {@code name{label="value",...}}, for messages that name it. */
public final class SeriesText {
    private SeriesText() {}

    public static String of(Sample sample) {
        StringBuilder text = new StringBuilder(sample.name()).append('{');
        for (int i = 0; i < sample.labelCount(); i++) {
            text.append(i == 0 ? "" : ",").append(sample.labelName(i)).append('=');
            quote(sample.labelValue(i), text);
        }
        return text.append('}').toString();
    }

    /** {@code value} in double quotes, its backslashes, double quotes and line feeds escaped as the text format does. */
    public static String quote(String value) {
        return quote(value, new StringBuilder()).toString();
    }

    private static StringBuilder quote(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"');
    }
}
