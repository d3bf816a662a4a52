package dev.thingbridge.shadows.internal;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one thread a shadow agent does everything on ({@code thingbridge-shadows-<thing>[-<shadow>]}), and its
 * operations one at a time: an operation (a call of the application, or an incoming message) starts when the
 * previous one has finished, replies included, so the state, the versions and the sync gate need no lock, and no
 * thread ever blocks waiting for a reply.
 */
public final class ControlThread implements Executor {
  private final ScheduledThreadPoolExecutor executor;
  private final String owner;
  private final Duration guard;
  private final Queue<Runnable> waiting = new ArrayDeque<>(); // control thread only
  private boolean busy; // control thread only
  private volatile boolean closed;

  /**
   * @param longestRequest the longest any single request may take; an operation gives up a little after it, only as
   *     a guard against a future that would never complete
   */
  public ControlThread(String owner, Duration longestRequest) {
    this.owner = owner;
    this.guard = longestRequest.plusSeconds(5);
    this.executor = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-shadows-" + owner.replace('/', '-'), true));
    this.executor.setRemoveOnCancelPolicy(true);
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Runs an operation once every earlier one has finished. One whose future was cancelled before it started is
   * skipped; once started it runs to its end.
   */
  public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> operation) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (!offer(() -> enqueue(() -> start(operation, result)))) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  private void enqueue(Runnable start) {
    waiting.add(start);
    if (!busy) {
      next();
    }
  }

  private void next() {
    Runnable start = waiting.poll();
    busy = start != null;
    if (start != null) {
      start.run();
    }
  }

  private <T> void start(Supplier<CompletableFuture<T>> operation, CompletableFuture<T> result) {
    if (result.isDone() || closed) {
      result.completeExceptionally(closedException());
      next();
      return;
    }
    CompletableFuture<T> running;
    try {
      running = operation.get();
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
    if (running.isDone()) {
      finish(running, result); // most messages need no reply: no hop back to this thread
      return;
    }
    CompletableFuture<T> waited = running;
    running.orTimeout(guard.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> execute(() -> finish(waited,
        result)));
  }

  private <T> void finish(CompletableFuture<T> done, CompletableFuture<T> result) {
    try {
      result.complete(done.getNow(null));
    } catch (CompletionException | CancellationException e) {
      Throwable cause = Futures.unwrap(e);
      result.completeExceptionally(cause instanceof TimeoutException
          ? new MqttTimeoutException("shadow operation of " + owner, guard) : cause);
    }
    next();
  }

  /** Runs a task on the thread; once the thread is gone, on the caller's, so a completion is never lost. */
  @Override
  public void execute(Runnable task) {
    if (!offer(task)) {
      task.run();
    }
  }

  /** Queues a task; false when the thread is shut down. */
  public boolean offer(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  public void schedule(Runnable task, long delayMillis) {
    try {
      executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException ignored) {
      // shutting down
    }
  }

  public boolean isClosed() {
    return closed;
  }

  public MqttClosedException closedException() {
    return new MqttClosedException("the shadow " + owner + " is closed");
  }

  /**
   * Refuses new operations, lets the one running finish and fails the queued ones, runs {@code last}, then stops
   * the thread, waiting for it at most {@code budget}.
   */
  public void shutdown(Runnable last, Duration budget) {
    closed = true;
    offer(last);
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
