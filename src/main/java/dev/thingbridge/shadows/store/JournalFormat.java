package dev.thingbridge.shadows.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The records of {@link FileKeyValueStore}'s journal: one per committed group of batches, its net effect per key
 * (a value, or null for a removal). A record is {@code magic, length, entries, crc32}; reading stops at the first
 * record that is incomplete or fails its check, which is the one a crash tore (it was never acknowledged). A
 * journal of the earlier one-batch format (one record, its check at the end) is still read.
 */
final class JournalFormat {
  private static final int RECORD_MAGIC = 0x54424b4c;
  private static final int SINGLE_BATCH_MAGIC = 0x54424b56;

  private JournalFormat() {}

  static byte[] encode(Map<String, byte[]> net) {
    byte[] entries = entries(net);
    CRC32 crc = new CRC32();
    crc.update(entries);
    return ByteBuffer.allocate(16 + entries.length).putInt(RECORD_MAGIC).putInt(entries.length).put(entries)
        .putLong(crc.getValue()).array();
  }

  /** The whole records of a journal, in order. */
  static List<Map<String, byte[]>> decode(byte[] journal) {
    List<Map<String, byte[]>> records = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(journal);
    if (journal.length >= 4 && in.getInt(0) == SINGLE_BATCH_MAGIC) {
      Map<String, byte[]> single = singleBatch(journal);
      return single == null ? records : List.of(single);
    }
    while (in.remaining() >= 16 && in.getInt() == RECORD_MAGIC) {
      int length = in.getInt();
      if (length < 0 || in.remaining() < length + 8) {
        break;
      }
      byte[] entries = new byte[length];
      in.get(entries);
      CRC32 crc = new CRC32();
      crc.update(entries);
      Map<String, byte[]> record = crc.getValue() == in.getLong() ? entries(entries, 0, entries.length) : null;
      if (record == null) {
        break;
      }
      records.add(record);
    }
    return records;
  }

  private static Map<String, byte[]> singleBatch(byte[] journal) {
    if (journal.length < 16) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(journal, 0, journal.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(journal, journal.length - 8, 8).getLong()) {
      return null;
    }
    return entries(journal, 4, journal.length - 12);
  }

  private static byte[] entries(Map<String, byte[]> net) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(net.size());
      for (Map.Entry<String, byte[]> e : net.entrySet()) {
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeShort(key.length);
        out.write(key);
        out.writeInt(e.getValue() == null ? -1 : e.getValue().length);
        if (e.getValue() != null) {
          out.write(e.getValue());
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** Entries {@code count, (keyLength, key, valueLength or -1, value)*}, or null when they do not parse. */
  private static Map<String, byte[]> entries(byte[] bytes, int offset, int length) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length))) {
      int count = in.readInt();
      Map<String, byte[]> net = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        byte[] key = in.readNBytes(in.readUnsignedShort());
        int len = in.readInt();
        net.put(new String(key, StandardCharsets.UTF_8), len < 0 ? null : in.readNBytes(len));
      }
      return net;
    } catch (IOException e) {
      return null;
    }
  }
}
