package dev.thingbridge.twin.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of commits in front of {@code twin.db}: a commit is one write to the current segment
 * ({@code twin.journal.<first commit number>}), and forced to the disk as well with {@code --sync full}; the
 * database takes the commits later, in batches ({@link Applier}). A segment is deleted once the database holds
 * every commit in it durably. At start, the commits the database does not hold yet are read back from here.
 *
 * <p>Why: a commit to SQLite costs tens of microseconds of locks and page writes even without an fsync, twice
 * per jobs cycle; one write of a few hundred bytes costs a few. Thread-safe: appends are serialized.
 */
final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  static final String PREFIX = "twin.journal.";
  /** A segment is closed and a new one started once it holds this much. */
  static final long SEGMENT_BYTES = 4L * 1024 * 1024;

  private final Path dir;
  private final boolean force;
  private final Predicate<byte[]> refuses;
  /** Closed segments, oldest first. */
  private final List<Segment> closed = new ArrayList<>();
  private Segment current;
  private FileChannel channel;
  private long size;
  private long nextSeq;
  /** Reused for every record: the channel writes a direct buffer without copying it first. */
  private ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
  private String broken;

  private record Segment(long first, Path path) {}

  /** What recovery found: the intact commits after the database's, in order, and what was dropped. */
  record Recovered(List<JournalRecords.Entry> entries, String dropped) {}

  private Journal(Path dir, boolean force, long nextSeq, Predicate<byte[]> refuses) {
    this.refuses = refuses;
    this.dir = dir;
    this.force = force;
    this.nextSeq = nextSeq;
  }

  /**
   * Starts a new segment for commits from {@code nextSeq} on; existing segments must have been recovered.
   *
   * @param refuses a stand-in for a failing disk (tests): the writes it picks fail; null for none
   */
  static Journal start(Path dir, boolean force, long nextSeq, Predicate<byte[]> refuses) throws IOException {
    Journal j = new Journal(dir, force, nextSeq, refuses);
    j.openSegment();
    return j;
  }

  /**
   * Reads the commits numbered after {@code applied} from the segments in {@code dir}: the longest run of
   * intact, consecutive ones. A record cut off by a crash ends the run; anything after it is reported in
   * {@link Recovered#dropped} (a power loss in {@code --sync normal} may leave that).
   */
  static Recovered recover(Path dir, long applied, Map<String, Table> tables) throws IOException {
    List<JournalRecords.Entry> out = new ArrayList<>();
    long expected = applied + 1;
    for (Path p : segments(dir)) {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(p));
      JournalRecords.Entry e;
      while ((e = JournalRecords.decode(bytes, tables)) != null) {
        if (e.seq() < expected) {
          continue;
        }
        if (e.seq() > expected) {
          return new Recovered(out, "commit " + expected + " is missing and " + e.seq() + " follows in " + p.getFileName());
        }
        out.add(e);
        expected++;
      }
      if (bytes.hasRemaining()) {
        return new Recovered(out, bytes.remaining() + " bytes of an incomplete commit at the end of " + p.getFileName());
      }
    }
    return new Recovered(out, null);
  }

  /** Deletes every segment in {@code dir} (after recovery, once the database holds what they held durably). */
  static void deleteAll(Path dir) throws IOException {
    for (Path p : segments(dir)) {
      Files.delete(p);
    }
  }

  /**
   * Writes {@code changes} as the next commit and, still in order with other appends, hands it to {@code
   * then} with its number.
   *
   * @throws TwinStoreException if the write fails; the segment is cut back to before it, or the journal
   *     refuses every later append if even that fails
   */
  synchronized void append(Changes changes, BiConsumer<Long, Changes> then) {
    if (broken != null) {
      throw new TwinStoreException(broken);
    }
    long seq = nextSeq;
    ByteBuffer record = JournalRecords.encode(seq, changes, buffer);
    buffer = record;
    try {
      if (size >= SEGMENT_BYTES) {
        rotate();
      }
      if (refuses != null && refuses.test(bytes(record))) {
        throw new IOException("No space left on device (refused by the twin's script)");
      }
      while (record.hasRemaining()) {
        channel.write(record);
      }
      if (force) {
        channel.force(false);
      }
    } catch (IOException e) {
      undo(e);
      throw new TwinStoreException("writing to the twin's journal in " + dir + " failed: " + e.getMessage(), e);
    }
    size += record.limit();
    nextSeq = seq + 1;
    then.accept(seq, changes);
  }

  /** Deletes the closed segments whose every commit is at most {@code durable}. */
  synchronized void deleteThrough(long durable) {
    while (hasDeletable(durable)) {
      Segment oldest = closed.remove(0);
      try {
        Files.deleteIfExists(oldest.path());
      } catch (IOException e) {
        log.warn("twin store: cannot delete {} (kept; it is read again at the next start): {}", oldest.path().getFileName(),
            e.getMessage());
      }
    }
  }

  /** True if a closed segment holds only commits up to {@code durable}. */
  synchronized boolean hasDeletable(long durable) {
    if (closed.isEmpty()) {
      return false;
    }
    long lastOfOldest = (closed.size() > 1 ? closed.get(1) : current).first() - 1;
    return lastOfOldest <= durable;
  }

  /** The number of the last commit appended. */
  synchronized long lastSeq() {
    return nextSeq - 1;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("twin store: closing the journal: {}", e.getMessage());
    }
  }

  /** Closes the segments and deletes them all: the database holds everything durably. */
  synchronized void closeAndDelete() {
    close();
    try {
      deleteAll(dir);
    } catch (IOException e) {
      log.warn("twin store: cannot delete the journal's segments (they are read again at the next start): {}",
          e.getMessage());
    }
  }

  private void rotate() throws IOException {
    channel.close();
    closed.add(current);
    openSegment();
  }

  private void openSegment() throws IOException {
    Path p = dir.resolve(PREFIX + String.format("%020d", nextSeq));
    channel = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    current = new Segment(nextSeq, p);
    size = 0;
    if (force) {
      // The new file's directory entry must survive a power loss as its records will.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        log.debug("twin store: cannot sync the directory {}: {}", dir, e.getMessage());
      }
    }
  }

  private void undo(IOException cause) {
    try {
      channel.truncate(size);
      channel.position(size);
    } catch (IOException e) {
      broken = "the twin's journal in " + dir + " cannot be written (" + cause.getMessage()
          + ") nor cut back after a failed write (" + e.getMessage() + "); restart the twin";
    }
  }

  private static byte[] bytes(ByteBuffer record) {
    byte[] b = new byte[record.remaining()];
    record.duplicate().get(b);
    return b;
  }

  private static List<Path> segments(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
      s.forEach(out::add);
    }
    out.sort(null);
    return out;
  }
}
