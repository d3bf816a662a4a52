package dev.thingbridge.component;

import dev.thingbridge.internal.Futures;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts of one part of a hosted thing (its kept shadows, its jobs, its commands) that failed, tried again with
 * backoff (1 s doubling to 60 s) on the host's timer until they succeed or the part is closed: a gateway that booted
 * while the cloud was slow, or whose first reply was lost, catches up by itself instead of waiting for a publish or
 * a reconnect. One log line per failed attempt.
 */
final class StartRetries implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StartRetries.class);
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);

  private final ScheduledExecutorService timer;
  private final Set<Future<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  StartRetries(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * Runs {@code attempt} now and, while it fails, again after each backoff delay. The future completes after the
   * first attempt, whether it failed or not (the retries go on behind it); {@code firstFailure} hears the first
   * failure only.
   */
  CompletableFuture<Void> start(String what, Supplier<CompletableFuture<?>> attempt, Consumer<Throwable> firstFailure) {
    return run(what, attempt, 1, FIRST_DELAY).handle((started, e) -> {
      if (e != null) {
        firstFailure.accept(Futures.unwrap(e));
      }
      return null;
    });
  }

  private CompletableFuture<Boolean> run(String what, Supplier<CompletableFuture<?>> attempt, int n, Duration next) {
    CompletableFuture<?> tried;
    try {
      tried = attempt.get();
    } catch (RuntimeException e) {
      tried = CompletableFuture.failedFuture(e);
    }
    return tried.handle((v, e) -> {
      if (e == null) {
        if (n > 1) {
          log.info("{} started at attempt {}", what, n);
        }
        return true;
      }
      if (closed) {
        return false;
      }
      log.warn("{} did not start (attempt {}): {}; trying again in {} s", what, n, Futures.unwrap(e).getMessage(),
          next.toSeconds());
      schedule(what, attempt, n + 1, next);
      throw new java.util.concurrent.CompletionException(e);
    });
  }

  private void schedule(String what, Supplier<CompletableFuture<?>> attempt, int n, Duration delay) {
    Duration after = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
    Future<?>[] self = new Future<?>[1];
    try {
      synchronized (self) {
        self[0] = timer.schedule(() -> {
          synchronized (self) {
            pending.remove(self[0]);
          }
          if (!closed) {
            run(what, attempt, n, after);
          }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        pending.add(self[0]);
      }
    } catch (RejectedExecutionException e) {
      log.debug("{}: no retry, the host is closing", what);
    }
    if (closed) {
      cancelAll();
    }
  }

  private void cancelAll() {
    for (Future<?> f : pending) {
      f.cancel(false);
    }
    pending.clear();
  }

  /** Stops retrying: the part is closed (unhosted, reconfigured or the component closes). */
  @Override
  public void close() {
    closed = true;
    cancelAll();
  }
}
