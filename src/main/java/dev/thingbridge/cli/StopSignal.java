package dev.thingbridge.cli;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ends a long-running command: Ctrl-C or SIGTERM (in the packaged CLI, see {@link ProcessExit}), the command's
 * own end ({@link #stopNow()}, after {@code --count} events), or a failure found while it runs ({@link
 * #fail}, such as a connection taken over). Use it with try-with-resources around the command's work; make
 * it with {@code ThingBridgeCommand.of(spec).exit().stopSignal(budget)}.
 */
final class StopSignal implements AutoCloseable {
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Duration budget;
  private final ProcessExit exit;

  StopSignal(Duration budget, ProcessExit exit) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.exit = Objects.requireNonNull(exit, "exit");
  }

  /** How long a signal lets the command close everything before the process ends regardless. */
  Duration budget() {
    return budget;
  }

  /**
   * Waits for a signal, {@link #stopNow()} or {@link #fail}, or for {@code duration} when it is not null.
   *
   * @throws Exception the failure given to {@link #fail}, if that is what ended the wait
   */
  void await(Duration duration) throws Exception {
    if (duration == null) {
      stopRequested.await();
    } else {
      stopRequested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
    Exception e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Ends {@link #await} as a signal would (the command finished its work). */
  void stopNow() {
    stopRequested.countDown();
  }

  /** Ends {@link #await} with {@code e}, which the command then throws (the first failure wins). */
  void fail(Exception e) {
    failure.compareAndSet(null, e);
    stopRequested.countDown();
  }

  /** Whether the command should stop. */
  boolean requested() {
    return stopRequested.getCount() == 0;
  }

  @Override
  public void close() {
    exit.closed(this);
  }
}
