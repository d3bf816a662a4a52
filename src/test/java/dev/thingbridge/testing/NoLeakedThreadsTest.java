package dev.thingbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class NoLeakedThreadsTest {
  @Test
  void a_non_daemon_thread_left_running_is_reported_and_one_that_ends_within_the_grace_is_not()
      throws InterruptedException {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    CountDownLatch release = new CountDownLatch(1);
    Thread worker = new Thread(() -> awaitQuietly(release), "leaky-worker");
    worker.start();
    try {
      assertThat(NoLeakedThreads.leakedSince(before, Duration.ofMillis(100))).containsExactly(worker);
    } finally {
      release.countDown();
    }
    assertThat(NoLeakedThreads.leakedSince(before, Duration.ofSeconds(5))).isEmpty();
    assertThat(worker.isAlive()).isFalse();
  }

  @Test
  void a_daemon_thread_is_a_leak_only_when_it_is_a_thingbridge_thread() throws InterruptedException {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    CountDownLatch release = new CountDownLatch(1);
    Thread foreign = daemon("someone-elses-daemon", release);
    Thread ours = daemon("thingbridge-test-1", release);
    try {
      assertThat(NoLeakedThreads.leakedSince(before, Duration.ofMillis(100))).containsExactly(ours);
    } finally {
      release.countDown();
    }
    foreign.join(5_000);
    ours.join(5_000);
    assertThat(NoLeakedThreads.leakedSince(before, Duration.ZERO)).isEmpty();
  }

  private static Thread daemon(String name, CountDownLatch release) {
    Thread t = new Thread(() -> awaitQuietly(release), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
