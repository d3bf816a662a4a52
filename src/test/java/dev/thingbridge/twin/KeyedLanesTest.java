package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedLanesTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final KeyedLanes lanes = new KeyedLanes(pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void runsOnTheCallerWhenNothingElseIsGoingOn() throws Exception {
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      lanes.runHereIfIdle("thing-a", () -> ranOn.add(Thread.currentThread()), () -> ranOn.add(null));
      TimeUnit.MILLISECONDS.sleep(1); // a closed-loop client's round trip between requests
    }
    assertThat(ranOn).containsOnly(Thread.currentThread());
  }

  @Test
  void handsOffWhileAnotherThingIsBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    lanes.execute("thing-b", () -> awaitQuietly(release));
    CountDownLatch handed = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    lanes.runHereIfIdle("thing-a", () -> {
      throw new AssertionError("ran on the caller while thing-b was busy");
    }, () -> {
      assertThat(Thread.currentThread()).isNotSameAs(caller);
      handed.countDown();
    });
    assertThat(handed.await(5, TimeUnit.SECONDS)).isTrue();
    release.countDown();
  }

  @Test
  void handsOffWhenSeveralThingsArriveTogetherEvenIfEachIsDoneAtOnce() throws Exception {
    // A wide window, so that a descheduled test thread still counts as "together" on a loaded machine.
    KeyedLanes lanes = new KeyedLanes(pool, TimeUnit.SECONDS.toNanos(10));
    List<Boolean> here = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(20);
    for (int i = 0; i < 20; i++) {
      lanes.runHereIfIdle("thing-" + (i % 2), () -> {
        here.add(true);
        done.countDown();
        return true;
      }, () -> {
        here.add(false);
        done.countDown();
      });
      spin(100); // longer than a backlog's gap, so only the second thing makes the difference
    }
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    // The first may run on the caller; once a second thing shows up within the window, the pool serves.
    assertThat(here.subList(1, here.size())).containsOnly(false);
  }

  @Test
  void declinedAttemptIsQueuedAndKeepsTheThingsOrder() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    lanes.runHereIfIdle("thing-a", () -> {
      // Declines, and meanwhile a second task of the same thing arrives: it must run after the first.
      lanes.execute("thing-a", () -> {
        order.add(2);
        done.countDown();
      });
      return false;
    }, () -> {
      order.add(1);
      done.countDown();
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly(1, 2);
  }

  private static void spin(long micros) {
    long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
