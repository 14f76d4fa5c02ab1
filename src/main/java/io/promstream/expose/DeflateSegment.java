package io.promstream.expose;

/**
 * Raw deflate data that starts and ends on a byte boundary and refers to nothing before it (ended by a full
 * flush), so segments can be joined into one deflate stream; with the CRC-32 and length of the bytes it holds.
 */
record DeflateSegment(byte[] data, int crc, long length) {
    static final DeflateSegment EMPTY = new DeflateSegment(new byte[0], 0, 0);
}
