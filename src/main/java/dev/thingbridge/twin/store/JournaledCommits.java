package dev.thingbridge.twin.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file database's commits: each appended to the {@link Journal}, then taken into the database by the
 * {@link Applier}; at start, what the database lacks is read back from the journal first.
 */
final class JournaledCommits {
  private static final Logger log = LoggerFactory.getLogger(JournaledCommits.class);
  private static final Duration APPLY_WAIT = Duration.ofSeconds(30);

  private final Path db;
  private final Journal journal;
  private final Applier applier;

  private JournaledCommits(Path db, Journal journal, Consumer<List<JournalRecords.Entry>> database, long applied) {
    this.db = db;
    this.journal = journal;
    this.applier = new Applier(database, this::afterApply, applied);
  }

  /**
   * Takes the journal's commits after {@code applied} into the database, then starts a new journal and the
   * applier.
   *
   * @param db the database file; the journal lives beside it
   * @param database writes a round of commits and the last one's number in one transaction, or throws
   * @throws TwinStoreException if the journal cannot be read or written, or the database refuses its commits
   */
  static JournaledCommits start(Path db, long applied, Map<String, Table> tables, boolean force,
      Predicate<byte[]> refuses, Consumer<List<JournalRecords.Entry>> database) {
    Path dir = db.getParent();
    try {
      Journal.Recovered r = Journal.recover(dir, applied, tables);
      if (!r.entries().isEmpty()) {
        database.accept(r.entries());
        applied = r.entries().get(r.entries().size() - 1).seq();
        log.info("twin store: {} commits taken from the journal after an unclean stop", r.entries().size());
      }
      if (r.dropped() != null) {
        log.warn("twin store: the journal ends early ({}); the state is as of commit {}", r.dropped(), applied);
      }
      if (!syncDatabaseFiles(db)) {
        throw new TwinStoreException(db + " cannot be synced to the disk");
      }
      Journal.deleteAll(dir);
      return new JournaledCommits(db, Journal.start(dir, force, applied + 1, refuses), database, applied);
    } catch (IOException e) {
      throw new TwinStoreException("the twin's journal in " + dir + " cannot be used (" + TwinStore.reason(e) + ")", e);
    }
  }

  /** Appends the commit; durable (and fsynced if so configured) when this returns. */
  void commit(Changes changes) {
    journal.append(changes, applier::enqueue);
  }

  /** Waits until the database holds every commit made so far. */
  void awaitApplied() {
    try {
      applier.awaitApplied(APPLY_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TwinStoreException("interrupted while the database took the journal's commits");
    }
  }

  /** Lets the applier take what is queued, then stops it. */
  void stopApplier() {
    applier.close();
  }

  /** After the database's last checkpoint: deletes the journal if the database holds all of it on the disk. */
  void close() {
    if (applier.applied() == journal.lastSeq() && syncDatabaseFiles(db)) {
      journal.closeAndDelete();
    } else {
      journal.close();
      log.warn("twin store: the database did not take every journaled commit; they are taken at the next start");
    }
  }

  /** After a round: segments whose commits the database now holds go, once the database is on the disk. */
  private void afterApply(long applied) {
    if (journal.hasDeletable(applied) && syncDatabaseFiles(db)) {
      journal.deleteThrough(applied);
    }
  }

  /** Forces the database and its write-ahead log to the disk; false (logged) if that fails. */
  private static boolean syncDatabaseFiles(Path db) {
    for (Path p : List.of(db, db.resolveSibling(db.getFileName() + "-wal"))) {
      if (!Files.exists(p)) {
        continue;
      }
      try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
        c.force(true);
      } catch (IOException e) {
        log.warn("twin store: cannot sync {} to the disk (the journal is kept): {}", p.getFileName(), e.getMessage());
        return false;
      }
    }
    return true;
  }
}
