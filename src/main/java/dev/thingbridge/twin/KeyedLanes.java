package dev.thingbridge.twin;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time per key, in submission order, on a shared pool: tasks of different keys (things)
 * run concurrently, tasks of one key never overlap. A lane exists only while it has work, so a twin with
 * 100,000 things keeps no per-thing machinery for idle ones.
 */
final class KeyedLanes {
  private static final Logger log = LoggerFactory.getLogger(KeyedLanes.class);
  /** Tasks run per turn before a busy lane lets the pool serve others. */
  private static final int TURN = 64;

  private final Executor pool;
  private final Map<String, Lane> lanes = new HashMap<>();

  KeyedLanes(Executor pool) {
    this.pool = pool;
  }

  /** Queues {@code task} behind the key's earlier tasks. Dropped if the pool is shut down. */
  void execute(String key, Runnable task) {
    Lane lane;
    synchronized (lanes) {
      lane = lanes.computeIfAbsent(key, Lane::new);
      lane.tasks.add(task);
      if (lane.scheduled) {
        return;
      }
      lane.scheduled = true;
    }
    schedule(lane);
  }

  private void schedule(Lane lane) {
    try {
      pool.execute(lane);
    } catch (RejectedExecutionException closed) {
      synchronized (lanes) {
        lane.tasks.clear();
        lane.scheduled = false;
        lanes.remove(lane.key);
      }
    }
  }

  private final class Lane implements Runnable {
    final String key;
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    boolean scheduled;

    Lane(String key) {
      this.key = key;
    }

    @Override
    public void run() {
      for (int i = 0; i < TURN; i++) {
        Runnable next;
        synchronized (lanes) {
          next = tasks.poll();
          if (next == null) {
            scheduled = false;
            lanes.remove(key);
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.warn("twin: a task of {} failed: {}", key, e.toString(), e);
        }
      }
      schedule(this);
    }
  }
}
