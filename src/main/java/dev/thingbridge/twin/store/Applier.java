package dev.thingbridge.twin.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the journaled commits into the database on its own thread ({@code thingbridge-twin-apply}): whatever
 * has been appended since the last round goes in one transaction, so under load many commits share one. A
 * round the database refuses is tried again (the commits are safe in the journal meanwhile), with a backoff
 * from 50 ms to 5 s and one warning per streak.
 */
final class Applier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Applier.class);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 5000;
  /**
   * Rounds start at most this often, so that a round takes many commits even at a modest rate: a transaction
   * costs about as much for one commit as for twenty (locks, the same index pages), a row changed many times
   * in a round is written once ({@link RoundWrites}), and the applier shares the machine with the twin's own
   * threads. A reader does not wait out the interval: a query starts a round at once.
   */
  static final long ROUND_INTERVAL_NANOS = 20_000_000;
  /** A round starts at once when this many commits wait. */
  private static final int FULL_ROUND = 512;

  private final Consumer<List<JournalRecords.Entry>> database;
  private final LongConsumer afterApply;
  private final Thread thread;
  private List<JournalRecords.Entry> queue = new ArrayList<>();
  private long enqueued;
  private long applied;
  private String failure;
  private boolean closing;
  /** Threads in {@link #awaitApplied}: a round for them starts without waiting for the interval. */
  private int waiters;

  /**
   * @param database writes a round's commits in one transaction, or throws
   * @param afterApply told the number of the last commit the database holds after each round
   * @param applied the number of the last commit the database holds now
   */
  Applier(Consumer<List<JournalRecords.Entry>> database, LongConsumer afterApply, long applied) {
    this.database = database;
    this.afterApply = afterApply;
    this.applied = applied;
    this.enqueued = applied;
    this.thread = new Thread(this::run, "thingbridge-twin-apply");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a journaled commit; commits come in number order. */
  synchronized void enqueue(long seq, Changes changes) {
    queue.add(new JournalRecords.Entry(seq, changes));
    enqueued = seq;
    if (queue.size() == 1 || queue.size() >= FULL_ROUND || waiters > 0) {
      notifyAll();
    }
  }

  /**
   * Waits until the database holds every commit queued so far.
   *
   * @throws TwinStoreException if that takes longer than {@code timeout} (naming the database's last refusal)
   */
  synchronized void awaitApplied(Duration timeout) throws InterruptedException {
    long target = enqueued;
    long deadline = System.nanoTime() + timeout.toNanos();
    waiters++;
    try {
      notifyAll();
      while (applied < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TwinStoreException("the database has not taken the journal's commits up to " + target
              + " within " + timeout.toMillis() + " ms" + (failure == null ? "" : " (" + failure + ")"));
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } finally {
      waiters--;
    }
  }

  /** The number of the last commit the database holds. */
  synchronized long applied() {
    return applied;
  }

  private void run() {
    long backoff = FIRST_BACKOFF_MILLIS;
    long lastRound = System.nanoTime() - ROUND_INTERVAL_NANOS;
    while (true) {
      List<JournalRecords.Entry> round;
      synchronized (this) {
        while (queue.isEmpty() && !closing) {
          waitQuietly(0);
        }
        if (queue.isEmpty()) {
          return;
        }
        long early;
        while (!closing && waiters == 0 && queue.size() < FULL_ROUND
            && (early = lastRound + ROUND_INTERVAL_NANOS - System.nanoTime()) > 0) {
          waitQuietly(Math.max(1, early / 1_000_000));
        }
        lastRound = System.nanoTime();
        round = queue;
        queue = new ArrayList<>();
      }
      while (!applyRound(round)) {
        synchronized (this) {
          if (closing) {
            return;
          }
          waitQuietly(backoff);
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
      backoff = FIRST_BACKOFF_MILLIS;
    }
  }

  private boolean applyRound(List<JournalRecords.Entry> round) {
    long last = round.get(round.size() - 1).seq();
    try {
      database.accept(round);
    } catch (RuntimeException e) {
      synchronized (this) {
        if (failure == null) {
          log.warn("twin store: the database refused the journal's commits up to {} (kept in the journal, tried "
              + "again until it takes them): {}", last, e.getMessage());
        }
        failure = e.getMessage();
      }
      return false;
    }
    synchronized (this) {
      if (failure != null) {
        log.info("twin store: the database takes the journal's commits again");
        failure = null;
      }
      applied = last;
      notifyAll();
    }
    afterApply.accept(last);
    return true;
  }

  private void waitQuietly(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException e) {
      closing = true;
    }
  }

  /** Applies what is queued (one more try if the database refuses) and stops the thread. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
