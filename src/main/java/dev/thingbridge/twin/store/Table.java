package dev.thingbridge.twin.store;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a service writes one of its tables: the columns in the order a {@link Changes#put} gives their values,
 * the first {@code keyColumns} of them forming the table's primary key. The table itself is created by a
 * {@link Migration} of the service's {@link StoreSchema}; the store checks at start that every column named
 * here exists, so a descriptor and its {@code CREATE TABLE} cannot drift apart unnoticed.
 *
 * @param name the table's name
 * @param columns every column written, key columns first
 * @param keyColumns how many leading columns form the primary key (at least one)
 */
public record Table(String name, List<String> columns, int keyColumns) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public Table {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    requireIdentifier(name);
    columns.forEach(Table::requireIdentifier);
    if (keyColumns < 1 || keyColumns > columns.size()) {
      throw new IllegalArgumentException("table " + name + ": keyColumns must be 1.." + columns.size());
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("table " + name + ": a column is named twice");
    }
  }

  /** A table whose first {@code keyColumns} columns are its primary key. */
  public static Table of(String name, int keyColumns, String... columns) {
    return new Table(name, List.of(columns), keyColumns);
  }

  /** The key columns. */
  public List<String> key() {
    return columns.subList(0, keyColumns);
  }

  /** {@code INSERT ... ON CONFLICT (key) DO UPDATE SET} every other column. */
  String upsertSql() {
    String cols = String.join(", ", columns);
    String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    String sql = "INSERT INTO " + name + " (" + cols + ") VALUES (" + marks + ") ON CONFLICT ("
        + String.join(", ", key()) + ")";
    List<String> rest = columns.subList(keyColumns, columns.size());
    if (rest.isEmpty()) {
      return sql + " DO NOTHING";
    }
    return sql + " DO UPDATE SET " + rest.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
  }

  /** {@code DELETE} by the key. */
  String deleteSql() {
    return "DELETE FROM " + name + " WHERE " + key().stream().map(c -> c + " = ?").collect(Collectors.joining(" AND "));
  }

  private static void requireIdentifier(String s) {
    if (!IDENTIFIER.matcher(s).matches()) {
      throw new IllegalArgumentException("not a plain lower-case SQL identifier: " + s);
    }
  }
}
