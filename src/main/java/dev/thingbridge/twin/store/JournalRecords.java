package dev.thingbridge.twin.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0);
      out.writeInt(0);
      out.writeLong(seq);
      out.writeInt(changes.size());
      for (Changes.Write w : changes.writes()) {
        writeText(out, w.table().name());
        out.writeBoolean(w.delete());
        out.writeShort(w.values().length);
        for (Object v : w.values()) {
          writeValue(out, v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] record = bytes.toByteArray();
    int bodyLength = record.length - HEADER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(record, HEADER_BYTES, bodyLength);
    ByteBuffer.wrap(record).putInt(bodyLength).putInt((int) crc.getValue());
    return record;
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
    try {
      Entry e = readBody(body, tables);
      in.position(in.position() + length);
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
      boolean delete = body.get() != 0;
      Object[] values = new Object[body.getShort()];
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

  private static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof String s) {
      out.writeByte(TEXT);
      writeText(out, s);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Integer n) {
      out.writeByte(INT);
      out.writeInt(n);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof byte[] b) {
      out.writeByte(BYTES);
      out.writeInt(b.length);
      out.write(b);
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
      case BOOLEAN -> in.get() != 0;
      case BYTES -> {
        byte[] b = new byte[checkedLength(in)];
        in.get(b);
        yield b;
      }
      default -> throw new IllegalArgumentException("unknown value tag " + tag);
    };
  }

  private static void writeText(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(ByteBuffer in) {
    byte[] b = new byte[checkedLength(in)];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static int checkedLength(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("a length of " + n + " with " + in.remaining() + " bytes left");
    }
    return n;
  }
}
