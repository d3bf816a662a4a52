package dev.thingbridge.twin.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Row writes to commit together, in order: what one operation of the twin changed. Values are {@code null},
 * {@link String}, {@link Long}, {@link Integer}, {@link Double}, {@link Boolean} (stored as 0/1) or {@code
 * byte[]}. Not thread-safe: one operation fills it, then the store commits it.
 */
public final class Changes {
  private final List<Write> writes = new ArrayList<>();

  /** One row write: an upsert of every column, or a delete by key. */
  public record Write(Table table, boolean delete, Object[] values) {}

  /**
   * Inserts or replaces a row.
   *
   * @param values one per column of {@code table}, in its order
   * @throws IllegalArgumentException if the count or a type does not fit
   */
  public Changes put(Table table, Object... values) {
    check(table, values, table.columns().size());
    writes.add(new Write(table, false, values.clone()));
    return this;
  }

  /**
   * Deletes a row, if there is one.
   *
   * @param key one value per key column
   */
  public Changes delete(Table table, Object... key) {
    check(table, key, table.keyColumns());
    writes.add(new Write(table, true, key.clone()));
    return this;
  }

  /** Appends every write of {@code other}, after this one's. */
  public Changes addAll(Changes other) {
    writes.addAll(other.writes);
    return this;
  }

  public boolean isEmpty() {
    return writes.isEmpty();
  }

  public int size() {
    return writes.size();
  }

  /** The writes, in order. */
  public List<Write> writes() {
    return Collections.unmodifiableList(writes);
  }

  public void clear() {
    writes.clear();
  }

  private static void check(Table table, Object[] values, int expected) {
    Objects.requireNonNull(table, "table");
    if (values.length != expected) {
      throw new IllegalArgumentException("table " + table.name() + " takes " + expected + " values, got "
          + values.length);
    }
    for (Object v : values) {
      if (!(v == null || v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Double
          || v instanceof Boolean || v instanceof byte[])) {
        throw new IllegalArgumentException("table " + table.name() + ": cannot store a " + v.getClass().getName());
      }
    }
  }
}
