package dev.thingbridge.twin.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of an applier's round with each row written once: its last write, in the order of the last
 * writes. A round is one transaction, so the rows it leaves are the same; a device's job execution, for
 * example, is written IN_PROGRESS and then SUCCEEDED within a few milliseconds, and only the second write
 * reaches SQLite.
 *
 * <p>A unique index on other columns could refuse the shorter sequence where the full one passes (a value
 * moving between rows); the store then applies the round write by write.
 */
final class RoundWrites {
  private RoundWrites() {}

  /** A row: its table and primary key values. */
  private record RowKey(Table table, List<Object> key) {}

  /** The last write of every row the round touches, in the order of those last writes. */
  static List<Changes.Write> lastPerRow(List<JournalRecords.Entry> round) {
    Map<RowKey, Changes.Write> last = new LinkedHashMap<>();
    for (JournalRecords.Entry e : round) {
      for (Changes.Write w : e.changes().writes()) {
        RowKey key = new RowKey(w.table(), Arrays.asList(Arrays.copyOf(w.values(), w.table().keyColumns())));
        // Removed first, so that the row takes the place of its latest write in the order.
        last.remove(key);
        last.put(key, w);
      }
    }
    return new ArrayList<>(last.values());
  }

  /** Every write of the round, in order. */
  static List<Changes.Write> all(List<JournalRecords.Entry> round) {
    List<Changes.Write> out = new ArrayList<>();
    for (JournalRecords.Entry e : round) {
      out.addAll(e.changes().writes());
    }
    return out;
  }
}
