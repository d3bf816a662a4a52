package dev.thingbridge.twin.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arbitrary bytes through the journal's record reader, as a crash or a failing disk may leave a journal file.
 * Invariants: a record either reads whole (the reader moves past exactly its bytes, and writing it again gives
 * the same bytes) or reads as the end of the journal (the reader stays put); the only exception is {@link
 * TwinStoreException}, for an intact record this version cannot read.
 */
class JournalRecordsFuzzTest {
  private static final Table NOTES = Table.of("notes", 1, "id", "body", "size");
  private static final Table BLOBS = Table.of("blobs", 2, "owner", "name", "ratio", "flag", "data");
  private static final Map<String, Table> TABLES = Map.of("notes", NOTES, "blobs", BLOBS);

  @FuzzTest(maxDuration = "30s")
  void any_bytes_read_as_whole_records_or_the_end(FuzzedDataProvider data) {
    check(data.consumeRemainingAsBytes());
  }

  @Test
  void every_value_type_survives_the_round_trip() {
    for (byte[] record : samples()) {
      ByteBuffer in = ByteBuffer.wrap(record);
      JournalRecords.Entry e = JournalRecords.decode(in, TABLES);
      assertThat(e).isNotNull();
      assertThat(in.hasRemaining()).isFalse();
      assertThat(JournalRecords.encode(e.seq(), e.changes())).isEqualTo(record);
    }
  }

  /**
   * Valid records with a few bytes changed, the checksum then made right again half of the time, so that the
   * body reader sees the damage instead of the checksum catching it.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234567})
  void seeded_mutations_of_valid_records_read_whole_or_as_the_end(long seed) {
    Random random = new Random(seed);
    List<byte[]> valid = samples();
    for (int i = 0; i < 3000; i++) {
      byte[] mutated = valid.get(random.nextInt(valid.size())).clone();
      for (int f = 1 + random.nextInt(3); f > 0; f--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      if (random.nextBoolean() && mutated.length > JournalRecords.HEADER_BYTES) {
        CRC32C crc = new CRC32C();
        crc.update(mutated, JournalRecords.HEADER_BYTES, mutated.length - JournalRecords.HEADER_BYTES);
        ByteBuffer.wrap(mutated).putInt(mutated.length - JournalRecords.HEADER_BYTES).putInt((int) crc.getValue());
      }
      check(mutated);
    }
  }

  private static List<byte[]> samples() {
    return List.of(
        JournalRecords.encode(1, new Changes().put(NOTES, "a", "one", 1)),
        JournalRecords.encode(7, new Changes().put(NOTES, "ü", null, 3L).delete(NOTES, "b")),
        JournalRecords.encode(1L << 40, new Changes().put(BLOBS, "o", "n", 0.5, true, new byte[] {1, 2, 3})
            .put(BLOBS, "o", "m", null, false, new byte[0]).delete(BLOBS, "o", "n")));
  }

  private static void check(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (true) {
      int before = in.position();
      JournalRecords.Entry e;
      try {
        e = JournalRecords.decode(in, TABLES);
      } catch (TwinStoreException refused) {
        assertThat(in.position()).isEqualTo(before);
        return;
      }
      if (e == null) {
        assertThat(in.position()).isEqualTo(before);
        return;
      }
      byte[] again = JournalRecords.encode(e.seq(), e.changes());
      assertThat(in.position() - before).isEqualTo(again.length);
      assertThat(again).isEqualTo(java.util.Arrays.copyOfRange(bytes, before, in.position()));
    }
  }
}
