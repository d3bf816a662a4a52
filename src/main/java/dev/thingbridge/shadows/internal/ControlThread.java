package dev.thingbridge.shadows.internal;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.internal.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread a shadow agent does everything on ({@code thingbridge-shadows-N}), with the helpers to run work
 * there as futures and to wait, bounded, for replies that complete on other threads.
 */
final class ControlThread {
  private final ScheduledThreadPoolExecutor executor;
  private final String owner;
  private final Duration maxWait;
  private volatile boolean closed;

  /**
   * @param maxWait the longest any single request may take; waits give up a little after it, only as a guard
   *     against a future that would never complete
   */
  ControlThread(String owner, Duration maxWait) {
    this.owner = owner;
    this.maxWait = maxWait;
    this.executor = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-shadows-" + owner.replace('/', '-'), true));
    this.executor.setRemoveOnCancelPolicy(true);
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Runs {@code work} on the thread. Work whose future was cancelled before it started is skipped; once started it
   * runs to its end.
   */
  <T> CompletableFuture<T> submit(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    boolean queued = execute(() -> {
      if (result.isDone()) {
        return;
      }
      if (closed) {
        result.completeExceptionally(closedException());
        return;
      }
      try {
        result.complete(work.call());
      } catch (Throwable t) {
        result.completeExceptionally(AbstractMqttClient.unwrap(t));
      }
    });
    if (!queued) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  /** Queues a task; false when the thread is shut down. */
  boolean execute(Runnable task) {
    if (closed) {
      return false;
    }
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  void schedule(Runnable task, long delayMillis) {
    if (!closed) {
      try {
        executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException ignored) {
        // shutting down
      }
    }
  }

  /** Waits for a reply future; rethrows its failure as is. */
  <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(maxWait.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = AbstractMqttClient.unwrap(e);
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new MqttTimeoutException("shadow request of " + owner, maxWait);
    }
  }

  MqttClosedException closedException() {
    return new MqttClosedException("the shadow " + owner + " is closed");
  }

  /** Runs {@code last} as the final task, then stops the thread, waiting for it at most {@code budget}. */
  void shutdown(Runnable last, Duration budget) {
    execute(last);
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(budget.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
