package dev.thingbridge.twin;

import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.TwinStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Group commit: operations are queued in the order they changed the twin's memory; whichever thread finds
 * no commit under way becomes the leader and commits everything queued in one transaction, then releases
 * (publishes the replies of) each operation in order, and goes on while more arrived meanwhile. Other
 * threads only queue and go back to their work, so no thread waits on I/O it did not start and concurrent
 * requests share a write.
 *
 * <p>A failed commit is retried one operation at a time: those before the first that fails alone are
 * committed and released; that one and everything queued after it go to the {@link Recovery}.
 */
final class CommitPipeline {
  /** Batches one leader commits before it hands the role to a pool thread, so no caller is kept long. */
  private static final int ROUNDS_PER_LEADER = 32;

  /** What happens to operations whose changes could not be committed. */
  interface Recovery {
    /**
     * Called on the leader with no twin lock held; {@code failed} are in queue order. It must also take
     * whatever was queued meanwhile ({@link #drainQueued()}), since that was built on the failed state.
     */
    void recover(List<TwinOperation> failed, RuntimeException cause);
  }

  private final TwinStore store;
  private final Executor pool;
  private final Recovery recovery;
  private final Consumer<Changes> committed;
  private final ArrayDeque<TwinOperation> queue = new ArrayDeque<>();
  private boolean leading;
  /** Transactions committed (batches, not operations); read by tests and the log. */
  private final AtomicLong commits = new AtomicLong();

  CommitPipeline(TwinStore store, Executor pool, Recovery recovery) {
    this(store, pool, recovery, changes -> {});
  }

  /**
   * @param committed told on the leader, after each commit and its releases, what the commit wrote; it must
   *     return quickly and not call back into the twin
   */
  CommitPipeline(TwinStore store, Executor pool, Recovery recovery, Consumer<Changes> committed) {
    this.store = store;
    this.pool = pool;
    this.recovery = recovery;
    this.committed = committed;
  }

  /**
   * Queues an operation. Call it while still holding the lock under which the operation changed memory, so
   * that commits follow the order of changes.
   *
   * @return true if the caller must now call {@link #lead()} (after releasing its locks)
   */
  boolean submit(TwinOperation op) {
    synchronized (queue) {
      queue.add(op);
      if (leading) {
        return false;
      }
      leading = true;
      return true;
    }
  }

  /** Commits and releases until the queue is empty (or hands the role on after a while). */
  void lead() {
    for (int round = 0; round < ROUNDS_PER_LEADER; round++) {
      List<TwinOperation> batch;
      synchronized (queue) {
        if (queue.isEmpty()) {
          leading = false;
          queue.notifyAll();
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
      }
      commitAndRelease(batch);
    }
    try {
      pool.execute(this::lead);
    } catch (RejectedExecutionException closing) {
      lead();
    }
  }

  /** How many transactions were committed so far. */
  long commits() {
    return commits.get();
  }

  /** Everything queued and not yet taken by a leader (for the recovery). */
  List<TwinOperation> drainQueued() {
    synchronized (queue) {
      List<TwinOperation> out = new ArrayList<>(queue);
      queue.clear();
      return out;
    }
  }

  /** Whether nothing is queued or being committed right now. */
  boolean isIdle() {
    synchronized (queue) {
      return !leading && queue.isEmpty();
    }
  }

  /** Waits until nothing is queued or being committed, or the time is up; true if idle. */
  boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    synchronized (queue) {
      while (leading || !queue.isEmpty()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        queue.wait(left);
      }
      return true;
    }
  }

  private void commitAndRelease(List<TwinOperation> batch) {
    Changes all = new Changes();
    for (TwinOperation op : batch) {
      all.addAll(op.changes());
    }
    try {
      store.commit(all);
      commits.incrementAndGet();
    } catch (RuntimeException batchFailure) {
      retryOneByOne(batch, batchFailure);
      return;
    }
    batch.forEach(TwinOperation::release);
    tell(all);
  }

  private void tell(Changes changes) {
    if (changes.isEmpty()) {
      return;
    }
    try {
      committed.accept(changes);
    } catch (RuntimeException e) {
      // An observer's failure must not undo or stall a commit that is already durable and released.
    }
  }

  private void retryOneByOne(List<TwinOperation> batch, RuntimeException batchFailure) {
    for (int i = 0; i < batch.size(); i++) {
      TwinOperation op = batch.get(i);
      try {
        store.commit(op.changes());
      } catch (RuntimeException e) {
        recovery.recover(new ArrayList<>(batch.subList(i, batch.size())), e);
        return;
      }
      op.release();
      tell(op.changes());
    }
  }
}
