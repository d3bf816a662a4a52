package dev.thingbridge.twin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinStoreTest {
  private static final Table NOTES = Table.of("notes", 1, "id", "body", "size");
  private static final Migration V1 = Migration.sql(
      "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
      "ALTER TABLE notes ADD COLUMN size INTEGER");
  /** A later step that transforms data: fills the size of every note written before it. */
  private static final Migration V2 = c -> {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE notes SET size = length(body) WHERE size IS NULL");
      s.executeUpdate("CREATE INDEX notes_size ON notes (size)");
    }
  };

  @TempDir Path dir;

  @Test
  void a_state_dir_that_is_a_file_is_refused_in_one_line() throws Exception {
    Path file = Files.writeString(dir.resolve("state"), "not a directory");
    assertThatThrownBy(() -> TwinStore.open(file, SyncMode.NORMAL)).isInstanceOf(TwinStoreException.class)
        .hasMessage("the twin cannot keep its state in " + file + ": it is not a directory");
  }

  @Test
  void a_state_dir_that_cannot_be_created_or_written_is_refused() {
    assertThatThrownBy(() -> TwinStore.open(Path.of("/proc/thingbridge-state"), SyncMode.NORMAL))
        .isInstanceOf(TwinStoreException.class)
        .hasMessageStartingWith("the twin cannot keep its state in /proc/thingbridge-state: cannot create it (")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> TwinStore.open(Path.of("/proc"), SyncMode.NORMAL))
        .isInstanceOf(TwinStoreException.class)
        .hasMessageStartingWith("the twin cannot keep its state in /proc: cannot write there (");
  }

  @Test
  void a_second_twin_on_the_same_directory_is_refused() {
    try (TwinStore first = TwinStore.open(dir, SyncMode.NORMAL)) {
      assertThatThrownBy(() -> TwinStore.open(dir, SyncMode.NORMAL))
          .hasMessage("the twin cannot keep its state in " + dir + ": another twin is using it");
    }
    TwinStore.open(dir, SyncMode.FULL).close();
  }

  @Test
  void a_foreign_sqlite_file_is_refused() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE other (x)");
    }
    assertThatThrownBy(() -> TwinStore.open(dir, SyncMode.NORMAL))
        .hasMessageContaining("twin.db is not a thingbridge twin database");
  }

  @Test
  void migrations_run_once_in_order_and_a_newer_database_is_refused() throws Exception {
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1));
      store.commit(new Changes().put(NOTES, "a", "hello", null));
    }
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1, V2));
      assertThat(store.schemaVersion("notes")).isEqualTo(2);
      assertThat(rows(store, "SELECT id || ':' || size AS r FROM notes")).containsExactly("a:5");
    }
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      // Opening again runs nothing twice (V2 would fail creating its index a second time).
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1, V2));
    }
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      assertThatThrownBy(() -> store.migrate(StoreSchema.of("notes", List.of(NOTES), V1)))
          .hasMessageContaining("notes tables of version 2, written by a newer thingbridge (this one knows version 1)");
    }
  }

  @Test
  void a_table_that_does_not_match_its_schema_is_refused_at_start() {
    Table wrong = Table.of("notes", 1, "id", "text");
    try (TwinStore store = TwinStore.inMemory()) {
      assertThatThrownBy(() -> store.migrate(StoreSchema.of("notes", List.of(wrong), V1)))
          .hasMessageContaining("table notes of notes does not match its schema");
    }
  }

  @Test
  void a_commit_is_all_or_nothing() throws Exception {
    // In memory the commit goes straight to the database; on disk the journal decides (JournalTest).
    try (TwinStore store = TwinStore.inMemory()) {
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1));
      store.commit(new Changes().put(NOTES, "a", "one", 3));
      Changes broken = new Changes().put(NOTES, "a", "changed", 7).delete(NOTES, "zzz").put(NOTES, "b", null, 0);
      assertThatThrownBy(() -> store.commit(broken)).isInstanceOf(TwinStoreException.class)
          .hasMessageContaining("NOT NULL");
      assertThat(rows(store, "SELECT id || ':' || body AS r FROM notes")).containsExactly("a:one");
    }
    try (TwinStore store = TwinStore.open(dir, SyncMode.FULL)) {
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1));
      store.commit(new Changes().put(NOTES, "a", "one", 3));
      store.commit(new Changes().put(NOTES, "a", "two", 3).put(NOTES, "b", "bee", 3).delete(NOTES, "a"));
      assertThat(rows(store, "SELECT id || ':' || body AS r FROM notes")).containsExactly("b:bee");
    }
    // The file is a WAL database anyone can read with sqlite3.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void the_in_memory_store_has_the_same_tables() {
    try (TwinStore store = TwinStore.inMemory()) {
      store.migrate(StoreSchema.of("notes", List.of(NOTES), V1, V2));
      store.commit(new Changes().put(NOTES, "x", "in memory", 9));
      assertThat(rows(store, "SELECT body AS r FROM notes")).containsExactly("in memory");
      assertThat(store.file()).isEmpty();
    }
  }

  @Test
  void sync_modes_parse_in_any_case() {
    assertThat(SyncMode.parse("FULL")).isEqualTo(SyncMode.FULL);
    assertThat(SyncMode.parse(" normal")).isEqualTo(SyncMode.NORMAL);
    assertThatThrownBy(() -> SyncMode.parse("off")).hasMessage("--sync must be full or normal, got 'off'");
  }

  private static List<String> rows(TwinStore store, String sql) {
    List<String> out = new ArrayList<>();
    store.query(sql, r -> out.add(r.text("r")));
    return out;
  }
}
