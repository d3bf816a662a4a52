package dev.thingbridge.twin;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
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
  /**
   * An arrival this soon after the end of a task run on the delivering thread came in the same burst (the
   * thread was decoding a backlog, not waiting on the network): it goes to the pool, which serves a burst in
   * parallel and lets its commits be grouped. A closed-loop client's next request comes a broker round trip
   * later (well over 50 µs), so it is still run on the spot.
   */
  private static final long BACKLOG_GAP_NANOS = 30_000;
  /**
   * Two keys arriving this close together mean several things are busy at once: then, and for {@link
   * #CONCURRENT_HOLD_NANOS} after, everything goes to the pool, whose threads serve the things in parallel and
   * whose commits are grouped, where a network thread would serve them one by one with a commit each.
   */
  private static final long CONCURRENT_WINDOW_NANOS = 2_000_000;
  private static final long CONCURRENT_HOLD_NANOS = 20_000_000;

  private final Executor pool;
  private final long concurrentWindowNanos;
  private final Map<String, Lane> lanes = new HashMap<>();
  /** When the latest {@link #runHereIfIdle} run ended (guarded by {@code lanes}). */
  private long lastHereEnd = System.nanoTime() - BACKLOG_GAP_NANOS;
  /** The key and time of the latest {@link #runHereIfIdle} arrival, and when keys last overlapped. */
  private String lastKey = "";
  private long lastArrival = System.nanoTime() - CONCURRENT_HOLD_NANOS;
  private long concurrentAt = System.nanoTime() - CONCURRENT_HOLD_NANOS;

  KeyedLanes(Executor pool) {
    this(pool, CONCURRENT_WINDOW_NANOS);
  }

  /** With another window for telling concurrent things (tests on a loaded machine). */
  KeyedLanes(Executor pool, long concurrentWindowNanos) {
    this.pool = pool;
    this.concurrentWindowNanos = concurrentWindowNanos;
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

  /**
   * Runs {@code attempt} on the calling thread when no key has work queued or running, the caller's previous
   * such run did not end just now (see {@link #BACKLOG_GAP_NANOS}) and no other key arrived lately (see {@link
   * #CONCURRENT_WINDOW_NANOS}); otherwise, or if {@code attempt}
   * declines (returns false, having done nothing), queues {@code task} like {@link #execute}. A run on the
   * spot saves the two thread wake-ups of a hand-off (to the pool, and back to the network thread for the
   * reply), which is most of the cost of a request when requests come one at a time; under concurrency the
   * pool keeps serving. Tasks of {@code key} submitted meanwhile queue behind the attempt and run on the pool.
   */
  void runHereIfIdle(String key, BooleanSupplier attempt, Runnable task) {
    Lane lane;
    boolean here;
    synchronized (lanes) {
      long now = System.nanoTime();
      if (!key.equals(lastKey) && now - lastArrival < concurrentWindowNanos) {
        concurrentAt = now;
      }
      lastKey = key;
      lastArrival = now;
      here = lanes.isEmpty() && now - lastHereEnd >= BACKLOG_GAP_NANOS && now - concurrentAt >= CONCURRENT_HOLD_NANOS;
      if (!here) {
        lane = lanes.computeIfAbsent(key, Lane::new);
        lane.tasks.add(task);
        if (lane.scheduled) {
          return;
        }
        lane.scheduled = true;
      } else {
        lane = new Lane(key);
        lane.scheduled = true;
        lanes.put(key, lane);
      }
    }
    if (!here) {
      schedule(lane);
      return;
    }
    attemptHere(lane, attempt, task, true);
  }

  /**
   * Runs {@code attempt} on the calling thread unless {@code key} has work queued or running; otherwise, or if
   * {@code attempt} declines (returns false, having done nothing), queues {@code task} like {@link #execute}.
   * For a delivering thread that groups the commits of what it handles itself (a client with {@link
   * dev.thingbridge.mqtt.internal.DeliveryTurns}), so that concurrency needs no hand-off to share a commit.
   */
  void runHereUnlessQueued(String key, BooleanSupplier attempt, Runnable task) {
    Lane lane;
    synchronized (lanes) {
      lane = lanes.get(key);
      if (lane == null) {
        lane = new Lane(key);
        lane.scheduled = true;
        lanes.put(key, lane);
      } else {
        // A lane in the map is always scheduled: the task runs behind the key's earlier ones.
        lane.tasks.add(task);
        return;
      }
    }
    attemptHere(lane, attempt, task, false);
  }

  /** Runs {@code attempt} for a lane registered as busy; queues {@code task} if it declines. */
  private void attemptHere(Lane lane, BooleanSupplier attempt, Runnable task, boolean markEnd) {
    String key = lane.key;
    boolean ran = true;
    try {
      ran = attempt.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("twin: a task of {} failed: {}", key, e.toString(), e);
    }
    synchronized (lanes) {
      if (markEnd) {
        lastHereEnd = System.nanoTime();
      }
      if (!ran) {
        lane.tasks.addFirst(task);
      }
      if (lane.tasks.isEmpty()) {
        lane.scheduled = false;
        lanes.remove(key);
        return;
      }
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
