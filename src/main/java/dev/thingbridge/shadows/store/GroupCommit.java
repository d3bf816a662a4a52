package dev.thingbridge.shadows.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Commits items in groups: the first caller commits its item; callers that arrive meanwhile queue up, and when it
 * is done one of them commits everything queued, in arrival order, in one go. Every caller returns once its own
 * item is committed, or throws what its group's commit threw. For a store whose commit costs one fsync whatever it
 * holds, N writers at once cost about two fsyncs, not N.
 *
 * @param <T> the item
 */
final class GroupCommit<T> {
  /** An item waiting for its group, and how the group ended. */
  private static final class Pending<T> {
    final T item;
    boolean done;
    RuntimeException error;

    Pending(T item) {
      this.item = item;
    }
  }

  private final Consumer<List<T>> commit;
  private final Object monitor = new Object();
  private final Queue<Pending<T>> queue = new ArrayDeque<>(); // guarded by monitor
  private boolean committing; // guarded by monitor

  /** @param commit commits a group (in order) or throws, failing every item of it */
  GroupCommit(Consumer<List<T>> commit) {
    this.commit = commit;
  }

  /** Commits {@code item}, with whatever else is waiting; returns once it is committed. */
  void submit(T item) {
    Pending<T> mine = new Pending<>(item);
    List<Pending<T>> group;
    synchronized (monitor) {
      queue.add(mine);
      waitWhile(() -> committing && !mine.done);
      if (mine.done) {
        rethrow(mine);
        return;
      }
      committing = true;
      group = new ArrayList<>(queue);
      queue.clear();
    }
    RuntimeException error = null;
    try {
      commit.accept(group.stream().map(p -> p.item).toList());
    } catch (RuntimeException e) {
      error = e;
    } finally {
      synchronized (monitor) {
        for (Pending<T> p : group) {
          p.error = error;
          p.done = true;
        }
        committing = false;
        monitor.notifyAll();
      }
    }
    rethrow(mine);
  }

  /** Runs {@code action} once no group is being committed; none starts until it returns. */
  void exclusively(Runnable action) {
    synchronized (monitor) {
      waitWhile(() -> committing);
      committing = true;
    }
    try {
      action.run();
    } finally {
      synchronized (monitor) {
        committing = false;
        monitor.notifyAll();
      }
    }
  }

  /** Items waiting for the commit in progress to finish. */
  int queued() {
    synchronized (monitor) {
      return queue.size();
    }
  }

  /**
   * Waits on the monitor (held) while {@code condition} holds, uninterruptibly: a queued item is committed either
   * way, so its caller must learn how it ended. An interrupt is kept for the caller.
   */
  private void waitWhile(BooleanSupplier condition) {
    boolean interrupted = false;
    while (condition.getAsBoolean()) {
      try {
        monitor.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rethrow(Pending<?> p) {
    if (p.error != null) {
      throw p.error;
    }
  }
}
