package dev.thingbridge.shadows.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileKeyValueStore}'s checkpoint runs on the store's own thread: a write that makes one due only seals the
 * journal and hands it off, so no writer waits for key files, and a crash at any step of it loses nothing a writer
 * was told is stored. The checkpoint thresholds are lowered (three keys) so that a small batch makes one due.
 */
class BackgroundCheckpointTest {
  private static final String CHECKPOINT_THREAD = "thingbridge-store-checkpoint-";

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(KeyValueStore kv, String key) {
    return kv.get(key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
  }

  private static Path keyFile(Path dir, String key) {
    return dir.resolve(Base64.getUrlEncoder().withoutPadding().encodeToString(b(key)));
  }

  @Test
  void a_write_made_while_a_checkpoint_is_under_way_returns_without_waiting_for_it(@TempDir Path dir)
      throws Exception {
    CountDownLatch checkpointHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> checkpointThread = new AtomicReference<>();
    FileKeyValueStore kv = FileKeyValueStore.open(dir, step -> {
      if (step.equals("checkpoint-started")) {
        checkpointThread.set(Thread.currentThread().getName());
        checkpointHeld.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, Long.MAX_VALUE, 3);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      kv.write(new WriteBatch().put("s/a", b("v1")).put("s/b", b("v1")).put("s/c", b("v1")));
      // A fourth key makes a checkpoint due: this write seals the journal and hands the checkpoint off.
      Future<?> trigger = writer.submit(() -> kv.write(new WriteBatch().put("s/d", b("v1"))));
      assertThat(checkpointHeld.await(10, TimeUnit.SECONDS)).as("a checkpoint started").isTrue();
      try {
        trigger.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the write that made the checkpoint due waits for the checkpoint", e);
      }
      Future<?> later = writer.submit(() -> kv.write(new WriteBatch().put("s/a", b("v2")).remove("s/b")));
      try {
        later.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("a write made during the checkpoint waits for it", e);
      }
      assertThat(s(kv, "s/a")).isEqualTo("v2");
      assertThat(kv.get("s/b")).isEmpty();
      assertThat(s(kv, "s/d")).isEqualTo("v1");
      assertThat(checkpointThread.get()).startsWith(CHECKPOINT_THREAD);
      assertThat(dir.resolve("journal.sealed.bin")).as("the sealed journal stays until its files are durable")
          .exists();
      assertThat(keyFile(dir, "s/a")).as("the held checkpoint has written nothing yet").doesNotExist();
    } finally {
      release.countDown();
      writer.shutdownNow();
    }
    kv.awaitCheckpoint();
    assertThat(kv.commitStats()).isEqualTo(new CommitStats(3, 3, 1));
    assertThat(dir.resolve("journal.sealed.bin")).doesNotExist();
    assertThat(Files.readString(keyFile(dir, "s/a"))).as("the checkpoint wrote what was sealed").isEqualTo("v1");
    assertThat(s(kv, "s/a")).as("a newer write still wins over the checkpointed file").isEqualTo("v2");
    assertThat(kv.get("s/b")).isEmpty();
    kv.close();
    try (FileKeyValueStore reopened = FileKeyValueStore.open(dir)) {
      assertThat(List.of(s(reopened, "s/a"), s(reopened, "s/c"), s(reopened, "s/d")))
          .containsExactly("v2", "v1", "v1");
      assertThat(reopened.get("s/b")).isEmpty();
      assertThat(reopened.keys("s/")).containsExactly("s/a", "s/c", "s/d");
    }
  }

  @Test
  void a_journal_that_cannot_be_sealed_fails_no_write_and_is_sealed_by_a_later_one(@TempDir Path dir)
      throws Exception {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir, step -> { }, Long.MAX_VALUE, 1)) {
      // A directory in the sealed journal's place makes the rename fail.
      Path blocker = Files.createDirectories(dir.resolve("journal.sealed.bin").resolve("blocker"));
      kv.write(new WriteBatch().put("s/a", b("1")).put("s/b", b("1")));
      assertThat(kv.commitStats().checkpoints()).isZero();
      assertThat(s(kv, "s/a")).isEqualTo("1");
      Files.delete(blocker);
      Files.delete(blocker.getParent());
      kv.write(new WriteBatch().put("s/c", b("1")));
      kv.awaitCheckpoint();
      assertThat(kv.commitStats().checkpoints()).as("the next write past the limit handed it off").isEqualTo(1);
      assertThat(Files.readString(keyFile(dir, "s/a"))).isEqualTo("1");
    }
    try (FileKeyValueStore reopened = FileKeyValueStore.open(dir)) {
      assertThat(reopened.keys("s/")).containsExactly("s/a", "s/b", "s/c");
    }
  }

  /** A crash simulated by throwing from the step listener: the instance is abandoned mid-step. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Counts the steps of the write that makes a checkpoint due and of the background checkpoint, and crashes at
   * step {@code target}; a crash on the checkpoint thread waits first for a write made meanwhile.
   */
  private static final class CrashingRound implements FileKeyValueStore.StepListener {
    final int target;
    final AtomicInteger seen = new AtomicInteger();
    final AtomicBoolean triggerPending = new AtomicBoolean(true);
    final CountDownLatch crashing = new CountDownLatch(1);
    final CountDownLatch laterWritten = new CountDownLatch(1);
    final AtomicBoolean checkpointEnded = new AtomicBoolean();

    CrashingRound(int target) {
      this.target = target;
    }

    @Override
    public void reached(String step) {
      boolean onCheckpointThread = Thread.currentThread().getName().startsWith(CHECKPOINT_THREAD);
      if (!onCheckpointThread && !triggerPending.get()) {
        return;
      }
      if (seen.incrementAndGet() == target) {
        if (onCheckpointThread) {
          crashing.countDown();
          try {
            laterWritten.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        throw new Crash();
      }
      if (step.equals("sealed-journal-deleted")) {
        checkpointEnded.set(true);
      }
    }
  }

  @Test
  void a_crash_at_any_step_of_a_background_checkpoint_loses_no_acknowledged_write(@TempDir Path dir)
      throws IOException {
    try (FileKeyValueStore kv = FileKeyValueStore.open(dir)) {
      kv.write(new WriteBatch().put("s/a", b("old")).put("s/b", b("old")).put("s/c", b("old")));
    }
    int crashAt = 1;
    boolean completed = false;
    int crashesOnTheCheckpointThread = 0;
    while (!completed) {
      CrashingRound round = new CrashingRound(crashAt);
      FileKeyValueStore kv = FileKeyValueStore.open(dir, round, Long.MAX_VALUE, 3);
      boolean triggerAcked;
      try {
        kv.write(new WriteBatch().put("s/a", b("new")).put("s/b", b("new")).remove("s/c").put("s/d", b("new")));
        triggerAcked = true;
      } catch (Crash e) {
        triggerAcked = false;
      }
      round.triggerPending.set(false);
      boolean laterAcked = false;
      if (triggerAcked) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
            .until(() -> round.crashing.getCount() == 0 || round.checkpointEnded.get());
        completed = round.crashing.getCount() != 0;
        crashesOnTheCheckpointThread += completed ? 0 : 1;
        kv.write(new WriteBatch().put("s/a", b("newer")).put("s/e", b("newer")));
        laterAcked = true;
        round.laterWritten.countDown();
        kv.awaitCheckpoint();
      }
      kv.close(); // after a crash only the lock is released: the journals stay for the reopen
      try (FileKeyValueStore reopened = FileKeyValueStore.open(dir)) {
        String a = s(reopened, "s/a");
        String bv = s(reopened, "s/b");
        String c = s(reopened, "s/c");
        String d = s(reopened, "s/d");
        String e = s(reopened, "s/e");
        String state = String.format("crash at step %d left a=%s b=%s c=%s d=%s e=%s", crashAt, a, bv, c, d, e);
        boolean triggerWhole = "new".equals(bv) && c == null && "new".equals(d);
        boolean triggerNone = "old".equals(a) && "old".equals(bv) && "old".equals(c) && d == null;
        if (triggerAcked) {
          assertThat(triggerWhole).as(state).isTrue();
          assertThat(a).as(state).isEqualTo(laterAcked ? "newer" : "new");
          assertThat(e).as(state).isEqualTo(laterAcked ? "newer" : null);
        } else {
          assertThat(triggerNone || (triggerWhole && "new".equals(a))).as(state).isTrue();
          assertThat(e).as(state).isNull();
        }
        try (Stream<Path> files = Files.list(dir)) {
          assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"))
              .doesNotContain("journal.bin", "journal.sealed.bin");
        }
        reopened.write(new WriteBatch().put("s/a", b("old")).put("s/b", b("old")).put("s/c", b("old"))
            .remove("s/d").remove("s/e"));
      }
      crashAt++;
    }
    assertThat(crashesOnTheCheckpointThread).as("the checkpoint has several steps to crash at").isGreaterThan(6);
  }
}
