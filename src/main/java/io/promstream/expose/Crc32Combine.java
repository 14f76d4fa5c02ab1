package io.promstream.expose;

/**
 * The CRC-32 of two byte runs joined, from the CRC-32 of each and the second's length, without the bytes: zlib's
 * {@code crc32_combine} (multiplying by the shift of {@code length} zero bytes in GF(2)). Lets a gzip stream made
 * of cached deflate segments carry the CRC of the whole.
 */
final class Crc32Combine {
    private static final int POLY = 0xedb88320;

    private Crc32Combine() {}

    /**
     * @param first  CRC-32 of the first run
     * @param second CRC-32 of the second run
     * @param secondLength the second run's length in bytes
     */
    static int combine(int first, int second, long secondLength) {
        if (secondLength <= 0) {
            return first;
        }
        int[] even = new int[32];
        int[] odd = new int[32];
        odd[0] = POLY; // the operator for one zero bit
        int row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        int crc = first;
        long length = secondLength;
        do { // apply len2 zero bytes to crc1, one bit of the length at a time
            square(even, odd);
            if ((length & 1) != 0) {
                crc = times(even, crc);
            }
            length >>>= 1;
            if (length == 0) {
                break;
            }
            square(odd, even);
            if ((length & 1) != 0) {
                crc = times(odd, crc);
            }
            length >>>= 1;
        } while (length != 0);
        return crc ^ second;
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        int v = vector;
        for (int i = 0; v != 0; i++, v >>>= 1) {
            if ((v & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(int[] square, int[] matrix) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}
