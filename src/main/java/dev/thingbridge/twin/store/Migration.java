package dev.thingbridge.twin.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * One step of a service's schema, run once, inside a transaction, when the database is older than the step.
 * Most steps are plain SQL ({@link #sql}); a step that must transform data gets the connection.
 */
@FunctionalInterface
public interface Migration {
  /** Applies the step. The store runs it in a transaction and records the new version in the same one. */
  void apply(Connection connection) throws SQLException;

  /** A step made of SQL statements, run in order. */
  static Migration sql(String... statements) {
    List<String> all = List.of(statements);
    return connection -> {
      try (Statement s = connection.createStatement()) {
        for (String sql : all) {
          s.executeUpdate(sql);
        }
      }
    };
  }
}
