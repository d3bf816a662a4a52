package dev.thingbridge.twin.store;

import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The byte form of one commit in the journal: {@code int length, int crc32c, body}, the body being {@code long
 * seq, int writes} and per write {@code table name, delete flag, value count, values} (each value a type tag
 * and its bytes). The checksum covers the body, so a record cut off by a crash, or one the disk garbled, reads
 * as the end of the journal.
 */
final class JournalRecords {
  /** Length and checksum. */
  static final int HEADER_BYTES = 8;
  /** No record is larger: a longer length field is garbage, not a record. */
  static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

  private static final byte NULL = 0;
  private static final byte TEXT = 1;
  private static final byte LONG = 2;
  private static final byte INT = 3;
  private static final byte DOUBLE = 4;
  private static final byte BOOLEAN = 5;
  private static final byte BYTES = 6;

  /** A decoded record. */
  record Entry(long seq, Changes changes) {}

  private JournalRecords() {}

  /** The record of {@code changes} as commit number {@code seq}. */
  static byte[] encode(long seq, Changes changes) {
    ByteBuffer b = encode(seq, changes, ByteBuffer.allocate(256));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /**
   * Writes the record into {@code buffer} (cleared first) or, if it does not fit, into a larger one; returns
   * the buffer holding it, flipped for reading.
   */
  static ByteBuffer encode(long seq, Changes changes, ByteBuffer buffer) {
    ByteBuffer out = buffer.clear();
    while (true) {
      try {
        out.position(HEADER_BYTES);
        out.putLong(seq).putInt(changes.size());
        for (Changes.Write w : changes.writes()) {
          putText(out, w.table().name());
          out.put((byte) (w.delete() ? 1 : 0));
          out.putShort((short) w.values().length);
          for (Object v : w.values()) {
            putValue(out, v);
          }
        }
        break;
      } catch (BufferOverflowException e) {
        out = out.isDirect() ? ByteBuffer.allocateDirect(out.capacity() * 2) : ByteBuffer.allocate(out.capacity() * 2);
      }
    }
    int bodyLength = out.position() - HEADER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(out.duplicate().flip().position(HEADER_BYTES));
    out.putInt(0, bodyLength).putInt(4, (int) crc.getValue());
    return out.flip();
  }

  /**
   * Reads the record at the buffer's position and moves past it; null (position unchanged) if what is there
   * is not a whole, intact record: the end of the journal.
   *
   * @param tables the tables a record may name, by name
   * @throws TwinStoreException if an intact record names a table nobody declared
   */
  static Entry decode(ByteBuffer in, Map<String, Table> tables) {
    int start = in.position();
    if (in.remaining() < HEADER_BYTES) {
      return null;
    }
    int length = in.getInt();
    int checksum = in.getInt();
    if (length < 12 || length > MAX_BODY_BYTES || length > in.remaining()) {
      in.position(start);
      return null;
    }
    CRC32C crc = new CRC32C();
    ByteBuffer body = in.slice(in.position(), length);
    crc.update(body.duplicate());
    if ((int) crc.getValue() != checksum) {
      in.position(start);
      return null;
    }
    in.position(start);
    try {
      Entry e = readBody(body, tables);
      in.position(start + HEADER_BYTES + length);
      return e;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      // The checksum matched, so this is not a torn write but a record this version cannot read.
      throw new TwinStoreException("the twin's journal holds a record it cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static Entry readBody(ByteBuffer body, Map<String, Table> tables) {
    long seq = body.getLong();
    int writes = body.getInt();
    Changes changes = new Changes();
    for (int i = 0; i < writes; i++) {
      String name = readText(body);
      Table table = tables.get(name);
      if (table == null) {
        throw new TwinStoreException("the twin's journal writes to table " + name + ", which no service declares");
      }
      boolean delete = flag(body);
      Object[] values = new Object[Short.toUnsignedInt(body.getShort())];
      for (int v = 0; v < values.length; v++) {
        values[v] = readValue(body);
      }
      if (delete) {
        changes.delete(table, values);
      } else {
        changes.put(table, values);
      }
    }
    if (body.hasRemaining()) {
      throw new IllegalArgumentException("bytes left after the last write");
    }
    return new Entry(seq, changes);
  }

  private static void putValue(ByteBuffer out, Object v) {
    if (v == null) {
      out.put(NULL);
    } else if (v instanceof String s) {
      out.put(TEXT);
      putText(out, s);
    } else if (v instanceof Long l) {
      out.put(LONG).putLong(l);
    } else if (v instanceof Integer n) {
      out.put(INT).putInt(n);
    } else if (v instanceof Double d) {
      out.put(DOUBLE).putDouble(d);
    } else if (v instanceof Boolean b) {
      out.put(BOOLEAN).put((byte) (b ? 1 : 0));
    } else if (v instanceof byte[] b) {
      out.put(BYTES).putInt(b.length).put(b);
    } else {
      throw new IllegalArgumentException("cannot journal a " + v.getClass().getName());
    }
  }

  private static Object readValue(ByteBuffer in) {
    byte tag = in.get();
    return switch (tag) {
      case NULL -> null;
      case TEXT -> readText(in);
      case LONG -> in.getLong();
      case INT -> in.getInt();
      case DOUBLE -> in.getDouble();
      case BOOLEAN -> flag(in);
      case BYTES -> {
        byte[] b = new byte[checkedLength(in)];
        in.get(b);
        yield b;
      }
      default -> throw new IllegalArgumentException("unknown value tag " + tag);
    };
  }

  private static void putText(ByteBuffer out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.putInt(b.length).put(b);
  }

  private static String readText(ByteBuffer in) {
    int n = checkedLength(in);
    ByteBuffer text = in.slice(in.position(), n);
    in.position(in.position() + n);
    try {
      // Strict: text that is not UTF-8 would come back changed when written again.
      return StandardCharsets.UTF_8.newDecoder().decode(text).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text that is not UTF-8", e);
    }
  }

  private static boolean flag(ByteBuffer in) {
    byte b = in.get();
    if (b != 0 && b != 1) {
      throw new IllegalArgumentException("a flag of " + b);
    }
    return b == 1;
  }

  private static int checkedLength(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("a length of " + n + " with " + in.remaining() + " bytes left");
    }
    return n;
  }
}
