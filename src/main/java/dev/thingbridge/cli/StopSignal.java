package dev.thingbridge.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C and SIGTERM into a bounded, orderly stop for long-running commands: the JVM's shutdown
 * hook wakes the command's thread, then waits (at most {@code budget}) until the command says it has
 * closed everything. Use it with try-with-resources around the command's work.
 */
final class StopSignal implements AutoCloseable {
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread hook;

  StopSignal(Duration budget) {
    hook = new Thread(() -> {
      stopRequested.countDown();
      try {
        stopped.await(budget.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "thingbridge-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Waits for a signal, or for {@code duration} when it is not null. */
  void await(Duration duration) throws InterruptedException {
    if (duration == null) {
      stopRequested.await();
    } else {
      stopRequested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Ends {@link #await} as a signal would (the command finished its work). */
  void stopNow() {
    stopRequested.countDown();
  }

  /** Whether a signal came (or {@link #stopNow} was called). */
  boolean requested() {
    return stopRequested.getCount() == 0;
  }

  /** Everything is closed: lets a running shutdown hook return, or removes the hook. */
  @Override
  public void close() {
    stopped.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      // The JVM is already stopping (signal): the hook is running and returns now that "stopped" is counted.
    }
  }
}
