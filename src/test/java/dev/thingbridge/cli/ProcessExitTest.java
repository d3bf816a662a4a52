package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI must not exit while aws-crt's load begun ahead is still extracting its library: the exit
 * deletes the file under it and aws-crt prints "Unable to initialize AWS CRT" after a usage error.
 */
class ProcessExitTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @Test
  void release_waits_for_a_native_load_still_running() throws Exception {
    CountDownLatch extracted = new CountDownLatch(1);
    AtomicBoolean loadEnded = new AtomicBoolean();
    Thread loader = new Thread(() -> {
      try {
        extracted.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loadEnded.set(true);
    }, "test-native-load");
    loader.start();
    ProcessExit exit = new ProcessExit(true, LONG);
    exit.nativeLoadStarted(loader);

    AtomicBoolean released = new AtomicBoolean();
    Thread main = new Thread(() -> {
      exit.release();
      released.set(loadEnded.get());
    }, "test-release");
    main.start();
    await().during(Duration.ofMillis(300)).atMost(LONG).until(main::isAlive);

    extracted.countDown();
    main.join(LONG.toMillis());
    assertThat(main.isAlive()).isFalse();
    assertThat(released).as("the load had ended when release returned").isTrue();
  }

  @Test
  void a_hung_native_load_holds_the_exit_up_no_longer_than_the_bound() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Thread loader = loadUntil(never, "test-hung-native-load");
    try {
      ProcessExit exit = new ProcessExit(true, Duration.ofMillis(200));
      exit.nativeLoadStarted(loader);
      long start = System.nanoTime();
      exit.release();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
    } finally {
      never.countDown();
      loader.join(LONG.toMillis());
    }
  }

  @Test
  void a_command_line_that_does_not_own_the_process_does_not_wait() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Thread loader = loadUntil(never, "test-native-load-elsewhere");
    try {
      ProcessExit exit = new ProcessExit(false, LONG);
      exit.nativeLoadStarted(loader);
      long start = System.nanoTime();
      exit.release();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      never.countDown();
      loader.join(LONG.toMillis());
    }
  }

  /** A stand-in for aws-crt's load that runs until {@code ended} counts down (or {@code LONG} passes). */
  private static Thread loadUntil(CountDownLatch ended, String name) {
    Thread loader = new Thread(() -> {
      try {
        ended.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    loader.start();
    return loader;
  }
}
