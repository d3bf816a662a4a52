package dev.thingbridge.twin.store;

import dev.thingbridge.internal.NamedThreadFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the database in the background, on its own connection, so that commits
 * only ever append to the log: SQLite's automatic checkpoint would run inside the commit that crosses the
 * threshold, with its fsyncs, and hold that commit's replies. A passive checkpoint never blocks the writer;
 * once one has copied everything, the writer starts the log over (and truncates it to the journal size
 * limit). Thread: {@code thingbridge-twin-checkpoint}.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
  private static final long PERIOD_MILLIS = 250;

  private final Connection connection;
  private final ScheduledExecutorService thread;
  private final AtomicLong commits = new AtomicLong();
  private long checkpointed;

  Checkpointer(Path db) throws SQLException {
    this.connection = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
    }
    this.thread = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-twin-checkpoint", true));
    thread.scheduleWithFixedDelay(this::checkpoint, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Counts a commit: the next round checkpoints. */
  void committed() {
    commits.incrementAndGet();
  }

  private void checkpoint() {
    long seen = commits.get();
    if (seen == checkpointed) {
      return;
    }
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
      checkpointed = seen;
    } catch (SQLException e) {
      log.warn("twin store: background checkpoint failed (the log keeps growing until one succeeds): {}",
          e.getMessage());
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("twin store: closing the checkpoint connection: {}", e.getMessage());
    }
  }
}
