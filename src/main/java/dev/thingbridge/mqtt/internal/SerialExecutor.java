package dev.thingbridge.mqtt.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared backing executor. This is how each
 * subscription keeps its messages in order without owning a thread, and how a burst of tasks submitted from
 * a network thread costs one hand-off, not one per task: a task submitted while others are queued or running
 * is only appended, and the turn that is under way runs it.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor backing;
  private final boolean inlineWhenRejected;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  /** Tasks are dropped once {@code backing} refuses work (it was shut down). */
  public SerialExecutor(Executor backing) {
    this(backing, false);
  }

  /**
   * @param inlineWhenRejected once {@code backing} refuses work, run the queued tasks on the submitting thread
   *     instead of dropping them (for completions that must happen even while the client closes)
   */
  public SerialExecutor(Executor backing, boolean inlineWhenRejected) {
    this.backing = backing;
    this.inlineWhenRejected = inlineWhenRejected;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    schedule();
  }

  private void schedule() {
    try {
      backing.execute(this::drain);
    } catch (RejectedExecutionException e) {
      if (inlineWhenRejected) {
        drainAll();
        return;
      }
      synchronized (tasks) {
        tasks.clear();
        running = false;
      }
    }
  }

  private void drainAll() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      runQuietly(next);
    }
  }

  private static void runQuietly(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString(), e);
    }
  }

  private void drain() {
    // A bounded batch per turn keeps one busy subscription from starving the others on the pool.
    for (int i = 0; i < 256; i++) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      runQuietly(next);
    }
    schedule();
  }
}
