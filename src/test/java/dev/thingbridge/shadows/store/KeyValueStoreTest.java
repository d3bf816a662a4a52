package dev.thingbridge.shadows.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store contract, run against both implementations (SHD-T48 in spirit), plus the file store's atomicity. */
class KeyValueStoreTest {
  @TempDir
  static Path root;

  static Stream<Function<String, KeyValueStore>> stores() {
    return Stream.of(name -> new InMemoryKeyValueStore(), name -> FileKeyValueStore.open(root.resolve(name)));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(KeyValueStore kv, String key) {
    return kv.get(key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void put_get_overwrite_and_remove(Function<String, KeyValueStore> factory) {
    try (KeyValueStore kv = factory.apply("basic")) {
      assertThat(kv.get("dev/a")).isEmpty();
      kv.put("dev/a", b("1"));
      kv.put("dev/a", b("2"));
      assertThat(s(kv, "dev/a")).isEqualTo("2");
      kv.remove("dev/a");
      kv.remove("dev/a");
      assertThat(kv.get("dev/a")).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void prefix_removal_and_listing_respect_the_separator(Function<String, KeyValueStore> factory) {
    try (KeyValueStore kv = factory.apply("prefix")) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 8; i++) {
        batch.put("dev/k" + i, b("v" + i));
      }
      batch.put("device/x", b("x")).put("net/x", b("y"));
      kv.write(batch);
      assertThat(kv.keys("dev/")).hasSize(8).allMatch(k -> k.startsWith("dev/"));
      kv.write(new WriteBatch().removePrefix("dev/").put("dev/k9", b("new")));
      assertThat(kv.keys("dev/")).containsExactly("dev/k9");
      assertThat(s(kv, "device/x")).isEqualTo("x");
      assertThat(s(kv, "net/x")).isEqualTo("y");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void values_are_copied_in_and_out(Function<String, KeyValueStore> factory) {
    try (KeyValueStore kv = factory.apply("copies")) {
      byte[] value = b("abc");
      kv.put("k", value);
      value[0] = 'z';
      kv.get("k").orElseThrow()[1] = 'z';
      assertThat(s(kv, "k")).isEqualTo("abc");
    }
  }

  @Test
  void a_second_instance_on_the_same_directory_is_refused(@TempDir Path dir) {
    try (FileKeyValueStore first = FileKeyValueStore.open(dir)) {
      assertThatThrownBy(() -> FileKeyValueStore.open(dir)).isInstanceOf(ShadowStoreException.class)
          .hasMessageContaining("in use");
      first.put("k", b("v"));
    }
    try (FileKeyValueStore again = FileKeyValueStore.open(dir)) {
      assertThat(s(again, "k")).isEqualTo("v");
    }
  }

  @Test
  void an_overlong_key_is_a_clear_error(@TempDir Path dir) {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      assertThatThrownBy(() -> kv.put("k".repeat(FileKeyValueStore.MAX_KEY_BYTES + 1), b("v")))
          .isInstanceOf(ShadowStoreException.class);
      kv.put("k".repeat(FileKeyValueStore.MAX_KEY_BYTES), b("v"));
      assertThat(kv.keys("k")).hasSize(1);
    }
  }

  /** A crash simulated by throwing from the step listener: the instance is abandoned mid-write. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void a_crash_at_any_step_of_a_batch_leaves_all_of_it_or_none(@TempDir Path dir) throws IOException {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      kv.write(new WriteBatch().put("s/a", b("old")).put("s/b", b("old")).put("s/c", b("old")));
    }
    int crashAt = 1;
    boolean completed = false;
    while (!completed) {
      int target = crashAt;
      int[] seen = {0};
      FileKeyValueStore kv = FileKeyValueStore.open(dir, step -> {
        if (++seen[0] == target) {
          throw new Crash();
        }
      });
      try {
        String next = "new" + target;
        kv.write(new WriteBatch().put("s/a", b(next)).put("s/b", b(next)).remove("s/c").put("s/d", b(next)));
        kv.close(); // the checkpoint: the key files are written here
        completed = true;
      } catch (Crash expected) {
        kv.close(); // the process "died" here; only the lock is released (after a failed write nothing is written)
      }
      try (FileKeyValueStore reopened = FileKeyValueStore.open(dir)) {
        String a = s(reopened, "s/a");
        String bv = s(reopened, "s/b");
        String c = s(reopened, "s/c");
        String d = s(reopened, "s/d");
        boolean allNew = a.startsWith("new") && a.equals(bv) && c == null && a.equals(d);
        boolean allOld = "old".equals(a) && "old".equals(bv) && "old".equals(c) && d == null;
        assertThat(allNew || allOld).as("crash at step %d left a=%s b=%s c=%s d=%s", target, a, bv, c, d).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
          assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"))
              .doesNotContain("journal.bin");
        }
        // put the store back to "old" for the next round
        reopened.write(new WriteBatch().put("s/a", b("old")).put("s/b", b("old")).put("s/c", b("old"))
            .remove("s/d"));
      }
      crashAt++;
    }
    assertThat(crashAt).as("the batch has several steps to crash at").isGreaterThan(8);
  }

  @Test
  void writes_waiting_while_one_is_synced_share_the_next_sync_and_return_only_once_it_is_on_disk(@TempDir Path dir)
      throws Exception {
    int writers = 8;
    CountDownLatch othersQueued = new CountDownLatch(1);
    AtomicInteger journalWrites = new AtomicInteger();
    Set<String> durable = ConcurrentHashMap.newKeySet();
    AtomicReference<FileKeyValueStore> store = new AtomicReference<>();
    store.set(FileKeyValueStore.open(dir, step -> {
      if (step.equals("journal-synced")) {
        // What the journal holds right after its fsync is what a power loss keeps.
        for (Map<String, byte[]> record : JournalFormat.decode(readJournal(dir))) {
          durable.addAll(record.keySet());
        }
      }
      if (step.equals("journal-written") && journalWrites.incrementAndGet() == 1) {
        // Hold the first commit until every other writer waits behind it.
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get().queuedWrites() == writers - 1);
        othersQueued.countDown();
      }
    }));
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try (FileKeyValueStore kv = store.get()) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int n = i;
        done.add(threads.submit(() -> {
          kv.write(new WriteBatch().put("w/" + n, b("v" + n)).put("w/" + n + "/x", b("x")));
          assertThat(durable).as("writer %d returned before its batch was fsynced", n).contains("w/" + n, "w/" + n
              + "/x");
        }));
      }
      for (Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
      assertThat(othersQueued.getCount()).isZero();
      assertThat(journalWrites.get()).as("one sync for the first write, one for the seven waiting").isEqualTo(2);
      assertThat(kv.commitStats()).isEqualTo(new CommitStats(writers, 2, 0));
      assertThat(kv.keys("w/")).hasSize(2 * writers);
    } finally {
      threads.shutdownNow();
    }
    try (FileKeyValueStore reopened = FileKeyValueStore.open(dir)) {
      assertThat(s(reopened, "w/7")).isEqualTo("v7");
    }
  }

  @Test
  void a_write_rewrites_no_key_file_until_the_checkpoint_writes_each_key_once(@TempDir Path dir) throws IOException {
    AtomicInteger filesWritten = new AtomicInteger();
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir, step -> {
      if (step.equals("temp-written")) {
        filesWritten.incrementAndGet();
      }
    })) {
      kv.write(new WriteBatch().put("s/gone", b("x")));
      for (int i = 0; i < 100; i++) {
        kv.write(new WriteBatch().put("s/seq", b("v" + i)).put("s/level", b("l" + (i % 10))));
      }
      kv.remove("s/gone");
      assertThat(filesWritten.get()).as("key files written by the writes themselves").isZero();
      assertThat(s(kv, "s/seq")).isEqualTo("v99");
      assertThat(kv.get("s/gone")).isEmpty();
      assertThat(kv.keys("s/")).containsExactly("s/level", "s/seq");
      assertThat(kv.commitStats()).isEqualTo(new CommitStats(102, 102, 0));
    }
    assertThat(filesWritten.get()).as("the checkpoint at close writes each live key once").isEqualTo(2);
    assertThat(dir.resolve("journal.bin")).doesNotExist();
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      assertThat(s(kv, "s/seq")).isEqualTo("v99");
      assertThat(s(kv, "s/level")).isEqualTo("l9");
      assertThat(kv.keys("s/")).containsExactly("s/level", "s/seq");
    }
  }

  private static byte[] readJournal(Path dir) {
    try {
      return Files.readAllBytes(dir.resolve("journal.bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void a_long_run_of_writes_checkpoints_and_everything_is_there_after_a_reopen(@TempDir Path dir)
      throws IOException {
    byte[] value = new byte[4096];
    int writes = FileKeyValueStore.CHECKPOINT_BYTES / value.length + 50;
    long biggest = 0;
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      for (int i = 0; i < writes; i++) {
        value[0] = (byte) i;
        kv.write(new WriteBatch().put("big/" + (i % 10), value).put("seq", b(Integer.toString(i))));
        Path journal = dir.resolve("journal.bin");
        biggest = Math.max(biggest, Files.exists(journal) ? Files.size(journal) : 0);
      }
    }
    assertThat(biggest).as("the journal was emptied on the way").isLessThan((long) writes * value.length);
    assertThat(dir.resolve("journal.bin")).as("closing checkpoints").doesNotExist();
    assertThat(dir.resolve("journal.sealed.bin")).doesNotExist();
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      assertThat(s(kv, "seq")).isEqualTo(Integer.toString(writes - 1));
      assertThat(kv.get("big/" + ((writes - 1) % 10)).orElseThrow()[0]).isEqualTo((byte) (writes - 1));
    }
  }

  @Test
  void a_journal_of_the_one_batch_format_is_replayed(@TempDir Path dir) throws IOException {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      kv.write(new WriteBatch().put("s/a", b("old")).put("s/b", b("old")));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0x54424b56);
    out.writeInt(2);
    for (String key : new String[] {"s/a", "s/b"}) {
      out.writeShort(key.length());
      out.write(b(key));
      if (key.equals("s/a")) {
        out.writeInt(3);
        out.write(b("new"));
      } else {
        out.writeInt(-1);
      }
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    Files.write(dir.resolve("journal.bin"), bytes.toByteArray());

    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      assertThat(s(kv, "s/a")).isEqualTo("new");
      assertThat(kv.get("s/b")).isEmpty();
    }
  }

  @Test
  void a_torn_journal_is_ignored_because_it_was_never_committed(@TempDir Path dir) throws IOException {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      kv.put("s/a", b("old"));
    }
    Files.write(dir.resolve("journal.bin"), new byte[] {0x54, 0x42, 0x4b, 0x56, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8});
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      assertThat(s(kv, "s/a")).isEqualTo("old");
      assertThat(dir.resolve("journal.bin")).doesNotExist();
    }
  }
}
