package dev.thingbridge.twin.streams;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The bytes of a file the twin serves (over a stream or HTTP): a file on disk, read when asked (so a
 * 256 MiB file costs no heap), or bytes in memory.
 */
public interface FileSource {
  /** The size in bytes. */
  long size() throws IOException;

  /** Reads {@code length} bytes from {@code position} (fewer only at the end). */
  byte[] read(long position, int length) throws IOException;

  /** The path on disk, when it is a file (lets the HTTP server send it without copying). */
  default Path path() {
    return null;
  }

  /** A file on disk; its size is read when asked, so it may be replaced between requests. */
  static FileSource of(Path path) {
    Objects.requireNonNull(path, "path");
    return new FileSource() {
      @Override
      public long size() throws IOException {
        return Files.size(path);
      }

      @Override
      public byte[] read(long position, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
          long n = Math.max(0, Math.min(length, ch.size() - position));
          ByteBuffer buf = ByteBuffer.allocate((int) n);
          while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
              break;
            }
          }
          return buf.position() == n ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
        }
      }

      @Override
      public Path path() {
        return path;
      }

      @Override
      public String toString() {
        return "FileSource[" + path + "]";
      }
    };
  }

  /** Bytes in memory (copied). */
  static FileSource of(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new FileSource() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public byte[] read(long position, int length) {
        int from = (int) Math.min(position, copy.length);
        int to = (int) Math.min((long) from + length, copy.length);
        return java.util.Arrays.copyOfRange(copy, from, to);
      }

      @Override
      public String toString() {
        return "FileSource[" + copy.length + " bytes in memory]";
      }
    };
  }
}
