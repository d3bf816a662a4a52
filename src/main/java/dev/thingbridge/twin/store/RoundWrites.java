package dev.thingbridge.twin.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writes of an applier's round with each row written once: its last write, in the place of the first
 * write of the row's last incarnation (after its last delete), so that rows get their rowids in the order
 * they were created, as the full sequence gives them (loaders that read {@code ORDER BY rowid} see the same
 * order). A round is one transaction, so the rows it leaves are the same; a device's job execution, for
 * example, is written IN_PROGRESS and then SUCCEEDED within one round, and only the second write reaches
 * SQLite.
 *
 * <p>A unique index on other columns could refuse the shorter sequence where the full one passes (a value
 * moving between rows); the store then applies the round write by write.
 */
final class RoundWrites {
  private RoundWrites() {}

  /** A row: its table and primary key values. */
  private record RowKey(Table table, List<Object> key) {}

  /** Where a row's writes stand in the shortened sequence. */
  private static final class Slots {
    Integer delete;
    Integer put;
  }

  /** The last write of every row the round touches, in creation order (see the class comment). */
  static List<Changes.Write> lastPerRow(List<JournalRecords.Entry> round) {
    List<Changes.Write> out = new ArrayList<>();
    Map<RowKey, Slots> rows = new HashMap<>();
    for (JournalRecords.Entry e : round) {
      for (Changes.Write w : e.changes().writes()) {
        Slots at = rows.computeIfAbsent(
            new RowKey(w.table(), Arrays.asList(Arrays.copyOf(w.values(), w.table().keyColumns()))), k -> new Slots());
        if (!w.delete()) {
          if (at.put != null) {
            out.set(at.put, w);
          } else {
            at.put = out.size();
            out.add(w);
          }
        } else if (at.delete == null) {
          // The row goes: its delete takes the place of its first write in the round, if it had one.
          if (at.put != null) {
            out.set(at.put, w);
            at.delete = at.put;
          } else {
            at.delete = out.size();
            out.add(w);
          }
          at.put = null;
        } else if (at.put != null) {
          // Deleted, created again, deleted again: the earlier delete says it all.
          out.set(at.put, null);
          at.put = null;
        }
      }
    }
    out.removeIf(Objects::isNull);
    return out;
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
