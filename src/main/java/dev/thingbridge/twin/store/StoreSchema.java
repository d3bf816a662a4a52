package dev.thingbridge.twin.store;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The tables of one owner (a twin service), as an ordered list of {@link Migration}s: the schema's version is
 * the number of steps. The store records each owner's version in {@code schema_versions} and, at start, runs
 * the steps a database has not seen yet, each in its own transaction. Steps are never edited once released;
 * a change is a new step at the end.
 *
 * @param owner a stable name, usually the service's {@code name()}
 * @param tables how the owner writes its tables; checked against the database at start
 * @param migrations the steps, oldest first
 */
public record StoreSchema(String owner, List<Table> tables, List<Migration> migrations) {
  private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

  public StoreSchema {
    Objects.requireNonNull(owner, "owner");
    if (!OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("schema owner must be a short lower-case name: " + owner);
    }
    tables = List.copyOf(tables);
    migrations = List.copyOf(migrations);
    if (migrations.isEmpty()) {
      throw new IllegalArgumentException("schema " + owner + " has no migration");
    }
  }

  /** A schema writing {@code tables}, made by these steps, oldest first. */
  public static StoreSchema of(String owner, List<Table> tables, Migration... migrations) {
    return new StoreSchema(owner, tables, List.of(migrations));
  }

  /** The version a database has once every step ran. */
  public int version() {
    return migrations.size();
  }
}
