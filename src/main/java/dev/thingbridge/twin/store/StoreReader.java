package dev.thingbridge.twin.store;

import java.util.function.Consumer;

/** Read access to the twin's database, for a service loading its state. */
public interface StoreReader {
  /**
   * Runs a query and hands each row to {@code each}, in the query's order.
   *
   * @param args values for the query's {@code ?} placeholders
   * @throws TwinStoreException if the query fails
   */
  void query(String sql, Consumer<Row> each, Object... args);
}
