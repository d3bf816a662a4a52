package dev.thingbridge.twin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row the twin has made durable: the table a service keeps it in, the row's key, and whether the row was
 * written or deleted. A change says which thing, shadow, job or execution changed, not how; an observer reads
 * the new state through the service's plain-Java API.
 *
 * @param table the table, e.g. {@code shadows}, {@code jobs}, {@code job_executions}, {@code things}
 * @param key the row's key columns, in order (for {@code shadows}: thing name, shadow name)
 * @param deleted true if the row was deleted
 */
public record TwinChange(String table, List<Object> key, boolean deleted) {
  public TwinChange {
    Objects.requireNonNull(table, "table");
    key = Collections.unmodifiableList(new ArrayList<>(key));
  }

  /** The key column at {@code index} as text ({@code ""} when there is no such column). */
  public String keyText(int index) {
    return index < key.size() ? String.valueOf(key.get(index)) : "";
  }
}
