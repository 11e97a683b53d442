package io.fleetca.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte sequence held as a list of fixed-size chunks, for encodings of tens of megabytes (a CRL with
 * a million entries): growing never copies what was written, no single array is large (a G1 "humongous"
 * array of 49 MiB needs that much contiguous heap, which a 256 MiB heap may not have), and another
 * sequence can be appended by reference, so a CRL is assembled around its entries without copying them.
 * Not thread-safe while written; read-only (and safe to share) once handed on.
 */
public final class ChunkedBytes extends OutputStream {

    /** Below G1's humongous threshold (half a region; regions are 1 MiB at small heaps). */
    static final int CHUNK = 256 * 1024;

    private record Chunk(byte[] bytes, int length) {}

    private final List<Chunk> sealed = new ArrayList<>();
    private byte[] current;
    private int used;
    private long size;

    public static ChunkedBytes of(byte[] bytes) {
        ChunkedBytes b = new ChunkedBytes();
        b.write(bytes, 0, bytes.length);
        return b;
    }

    public long size() { return size; }

    @Override
    public void write(int b) {
        if (current == null || used == current.length) {
            next();
        }
        current[used++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (current == null || used == current.length) {
                next();
            }
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    /** Appends {@code other}'s chunks by reference; {@code other} must not be written to afterwards. */
    public ChunkedBytes append(ChunkedBytes other) {
        seal();
        other.forEach((bytes, length) -> sealed.add(new Chunk(bytes, length)));
        size += other.size;
        return this;
    }

    private void next() {
        seal();
        current = new byte[CHUNK];
    }

    private void seal() {
        if (current != null && used > 0) {
            sealed.add(new Chunk(current, used));
        }
        current = null;
        used = 0;
    }

    private interface ChunkConsumer {
        void accept(byte[] bytes, int length) throws IOException;
    }

    private void forEach(ChunkConsumer consumer) {
        try {
            forEachChecked(consumer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void forEachChecked(ChunkConsumer consumer) throws IOException {
        for (Chunk c : sealed) {
            consumer.accept(c.bytes(), c.length());
        }
        if (current != null && used > 0) {
            consumer.accept(current, used);
        }
    }

    public void writeTo(OutputStream out) throws IOException {
        forEachChecked((bytes, length) -> out.write(bytes, 0, length));
    }

    public void update(MessageDigest digest) {
        forEach((bytes, length) -> digest.update(bytes, 0, length));
    }

    /** Lowercase hex SHA-256 of the bytes. */
    public String sha256Hex() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest);
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feeds every byte, in order, to a sink such as a signature verifier. */
    public void forEachChunk(java.util.function.ObjIntConsumer<byte[]> sink) {
        forEach(sink::accept);
    }

    /** The bytes as one array; only for small sequences (tests, short CRLs). */
    public byte[] toByteArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("too large for one array: " + size + " bytes");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) size);
        forEach((bytes, length) -> out.write(bytes, 0, length));
        return out.toByteArray();
    }

    /** Reads the bytes from the start; independent of other readers. */
    public InputStream inputStream() {
        List<Chunk> all = new ArrayList<>(sealed);
        if (current != null && used > 0) {
            all.add(new Chunk(current, used));
        }
        return new InputStream() {
            private int index;
            private int position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                while (index < all.size() && position == all.get(index).length()) {
                    index++;
                    position = 0;
                }
                if (index == all.size()) {
                    return -1;
                }
                Chunk c = all.get(index);
                int n = Math.min(len, c.length() - position);
                System.arraycopy(c.bytes(), position, b, off, n);
                position += n;
                return n;
            }
        };
    }
}
