package dev.thingbridge.twin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal in front of {@code twin.db}: a commit is durable once it is in the journal, the database takes
 * it later, and whatever the database did not take before a kill or a crash is taken at the next start, each
 * commit whole or not at all.
 */
class JournalTest {
  private static final Table NOTES = Table.of("notes", 1, "id", "body", "size");
  private static final StoreSchema SCHEMA = StoreSchema.of("notes", List.of(NOTES),
      Migration.sql("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, size INTEGER)"));

  @TempDir Path dir;

  @Test
  void a_commit_cut_off_at_any_byte_is_taken_whole_or_not_at_all() throws Exception {
    Path base = dir.resolve("base");
    byte[] journal = journalAfter(base,
        new Changes().put(NOTES, "a", "changed", 7).delete(NOTES, "b").put(NOTES, "c", "sea", 3));
    int first = JournalRecords.encode(2, new Changes().put(NOTES, "b", "bee", 2)).length;
    for (int cut = 0; cut <= journal.length; cut++) {
      Path crashed = dir.resolve("crashed-" + cut);
      copyDatabase(base, crashed);
      Files.write(crashed.resolve(Journal.PREFIX + String.format("%020d", 2)), java.util.Arrays.copyOf(journal, cut));
      try (TwinStore store = open(crashed)) {
        List<String> expected = cut == journal.length ? List.of("a:changed", "c:sea")
            : cut >= first ? List.of("a:one", "b:bee") : List.of("a:one");
        assertThat(rows(store)).as("journal cut at byte %d of %d", cut, journal.length).isEqualTo(expected);
      }
      assertThat(segments(crashed)).as("the journal is gone after a clean stop").isEmpty();
    }
  }

  @Test
  void a_database_that_refuses_the_commits_gets_them_again_until_it_takes_them() throws Exception {
    try (TwinStore store = open(dir)) {
      store.commit(new Changes().put(NOTES, "a", "one", 1));
      execute("CREATE TRIGGER refuse BEFORE INSERT ON notes WHEN NEW.id = 'b' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
      store.commit(new Changes().put(NOTES, "b", "bee", 2));
      store.commit(new Changes().put(NOTES, "c", "sea", 3));
    }
    // Stopped while the database refused: the commits stay in the journal, for the next start.
    assertThat(segments(dir)).hasSize(1);
    assertThatThrownBy(() -> open(dir).close()).isInstanceOf(TwinStoreException.class)
        .hasMessageContaining("disk on fire");
    execute("DROP TRIGGER refuse");
    try (TwinStore store = open(dir)) {
      assertThat(rows(store)).containsExactly("a:one", "b:bee", "c:sea");
    }
    assertThat(segments(dir)).isEmpty();
  }

  @Test
  void the_database_catches_up_with_a_refusal_lifted_while_the_twin_runs() throws Exception {
    try (TwinStore store = open(dir)) {
      execute("CREATE TRIGGER refuse BEFORE INSERT ON notes BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
      store.commit(new Changes().put(NOTES, "a", "one", 1));
      store.commit(new Changes().put(NOTES, "b", "bee", 2));
      execute("DROP TRIGGER refuse");
      assertThat(rows(store)).containsExactly("a:one", "b:bee");
    }
  }

  @Test
  void segments_go_once_the_database_holds_their_commits_durably() throws Exception {
    String big = "x".repeat(256 * 1024);
    try (TwinStore store = open(dir)) {
      int commits = (int) (Journal.SEGMENT_BYTES / big.length()) + 4;
      for (int i = 0; i < commits; i++) {
        store.commit(new Changes().put(NOTES, "n" + i, big, i));
      }
      assertThat(rows(store)).hasSize(commits);
      // The applier has taken everything: the first segment is deleted, the current one stays.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(segments(dir)).hasSize(1));
    }
    assertThat(segments(dir)).isEmpty();
  }

  @Test
  void a_journal_garbled_in_its_middle_is_read_up_to_the_damage() throws Exception {
    Path base = dir.resolve("base");
    byte[] journal = journalAfter(base, new Changes().put(NOTES, "c", "sea", 3));
    int first = JournalRecords.encode(2, new Changes().put(NOTES, "b", "bee", 2)).length;
    journal[first + JournalRecords.HEADER_BYTES + 3] ^= 0x40;
    Path damaged = dir.resolve("damaged");
    copyDatabase(base, damaged);
    Files.write(damaged.resolve(Journal.PREFIX + String.format("%020d", 2)), journal);
    try (TwinStore store = open(damaged)) {
      assertThat(rows(store)).containsExactly("a:one", "b:bee");
    }
  }

  /**
   * Makes {@code base} a database holding note a:one, and returns the journal of two more commits made on a copy
   * of it (b:bee, then {@code second}), as a kill -9 leaves it before the database took them.
   */
  private byte[] journalAfter(Path base, Changes second) throws Exception {
    try (TwinStore store = open(base)) {
      store.commit(new Changes().put(NOTES, "a", "one", 1));
    }
    Path live = dir.resolve("live");
    copyDatabase(base, live);
    try (TwinStore store = open(live)) {
      store.commit(new Changes().put(NOTES, "b", "bee", 2));
      store.commit(second);
      return Files.readAllBytes(segment(live));
    }
  }

  private TwinStore open(Path where) {
    TwinStore store = TwinStore.open(where, SyncMode.NORMAL);
    try {
      store.migrate(SCHEMA);
      rows(store);
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static void copyDatabase(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    Files.copy(from.resolve(TwinStore.FILE_NAME), to.resolve(TwinStore.FILE_NAME));
  }

  private static Path segment(Path where) throws Exception {
    List<Path> s = segments(where);
    assertThat(s).hasSize(1);
    return s.get(0);
  }

  private static List<Path> segments(Path where) throws Exception {
    try (Stream<Path> files = Files.list(where)) {
      return files.filter(p -> p.getFileName().toString().startsWith(Journal.PREFIX)).sorted().toList();
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(TwinStore.FILE_NAME));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute(sql);
    }
  }

  private static List<String> rows(TwinStore store) {
    List<String> out = new ArrayList<>();
    store.query("SELECT id || ':' || body AS r FROM notes ORDER BY id", r -> out.add(r.text("r")));
    return out;
  }
}
