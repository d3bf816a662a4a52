package dev.thingbridge.twin.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier writes each row of a round once, and falls back to every write where that order is refused. */
class RoundWritesTest {
  private static final Table TAGS = Table.of("tags", 2, "owner", "name", "label");
  private static final StoreSchema SCHEMA = StoreSchema.of("tags", List.of(TAGS), Migration.sql(
      "CREATE TABLE tags (owner TEXT NOT NULL, name TEXT NOT NULL, label TEXT, PRIMARY KEY (owner, name))",
      "CREATE UNIQUE INDEX tags_label ON tags (label)"));

  @TempDir Path dir;

  @Test
  void each_row_keeps_its_last_write_in_the_place_of_its_first() {
    List<JournalRecords.Entry> round = List.of(
        new JournalRecords.Entry(1, new Changes().put(TAGS, "a", "x", "1").put(TAGS, "b", "x", "2")),
        new JournalRecords.Entry(2, new Changes().put(TAGS, "a", "x", "3").put(TAGS, "a", "y", "4")),
        new JournalRecords.Entry(3, new Changes().delete(TAGS, "b", "x").put(TAGS, "a", "x", "5")));

    List<String> writes = RoundWrites.lastPerRow(round).stream().map(RoundWritesTest::describe).toList();

    assertThat(writes).containsExactly("put a/x=5", "delete b/x", "put a/y=4");
    assertThat(RoundWrites.all(round)).hasSize(6);
  }

  @Test
  void a_row_deleted_and_created_again_takes_the_place_of_its_new_creation() {
    List<JournalRecords.Entry> round = List.of(
        new JournalRecords.Entry(1, new Changes().put(TAGS, "a", "x", "1").put(TAGS, "b", "x", "2")),
        new JournalRecords.Entry(2, new Changes().delete(TAGS, "a", "x").put(TAGS, "c", "x", "3")),
        new JournalRecords.Entry(3, new Changes().put(TAGS, "a", "x", "4").delete(TAGS, "c", "x")),
        new JournalRecords.Entry(4, new Changes().put(TAGS, "c", "x", "5").delete(TAGS, "c", "x")));

    List<String> writes = RoundWrites.lastPerRow(round).stream().map(RoundWritesTest::describe).toList();

    assertThat(writes).containsExactly("delete a/x", "put b/x=2", "delete c/x", "put a/x=4");
  }

  @Test
  void rows_created_in_one_round_keep_their_creation_order_in_the_table() {
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      store.migrate(SCHEMA);
      // One commit, so one round: a is created first and changed last.
      store.commit(new Changes().put(TAGS, "a", "n", "1").put(TAGS, "b", "n", "2").put(TAGS, "a", "n", "3"));
      List<String> byRowid = new ArrayList<>();
      store.query("SELECT owner FROM tags ORDER BY rowid", r -> byRowid.add(r.text("owner")));

      assertThat(byRowid).containsExactly("a", "b");
    }
  }

  @Test
  void a_unique_index_that_refuses_the_shorter_order_gets_every_write() {
    try (TwinStore store = TwinStore.open(dir, SyncMode.NORMAL)) {
      store.migrate(SCHEMA);
      store.commit(new Changes().put(TAGS, "k2", "n", "v"));
      // Coalesced, k1 would take label v while k2 still holds it; in full, k2 gives it up first.
      store.commit(new Changes().put(TAGS, "k2", "n", "w").put(TAGS, "k1", "n", "v").put(TAGS, "k2", "n", "w2"));

      assertThat(rows(store)).containsExactly("k1:v", "k2:w2");
    }
    try (TwinStore reopened = TwinStore.open(dir, SyncMode.NORMAL)) {
      reopened.migrate(SCHEMA);
      assertThat(rows(reopened)).containsExactly("k1:v", "k2:w2");
    }
  }

  private static String describe(Changes.Write w) {
    Object[] v = w.values();
    return w.delete() ? "delete " + v[0] + "/" + v[1] : "put " + v[0] + "/" + v[1] + "=" + v[2];
  }

  private static List<String> rows(TwinStore store) {
    List<String> out = new ArrayList<>();
    store.query("SELECT owner || ':' || label AS r FROM tags ORDER BY owner", r -> out.add(r.text("r")));
    return out;
  }
}
