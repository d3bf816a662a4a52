package dev.thingbridge.twin.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallerRunsWhenIdleTest {
  private final ExecutorService handlers = Executors.newFixedThreadPool(2);
  private final CallerRunsWhenIdle executor = new CallerRunsWhenIdle(handlers);

  @AfterEach
  void stop() {
    handlers.shutdownNow();
  }

  @Test
  void a_lone_exchange_runs_on_the_dispatcher() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    executor.execute(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void while_one_is_handled_the_next_goes_to_a_handler_thread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    // A slow exchange, under way on another thread (which runs it itself: nothing else was going on).
    Thread other = new Thread(() -> executor.execute(() -> {
      started.countDown();
      await(release);
    }));
    other.start();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    executor.execute(() -> {
      ranOn.set(Thread.currentThread());
      done.countDown();
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    release.countDown();
    other.join(5_000);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
