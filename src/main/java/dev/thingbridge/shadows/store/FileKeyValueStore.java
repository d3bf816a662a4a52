package dev.thingbridge.shadows.store;

import dev.thingbridge.internal.NamedThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyValueStore} in a directory: one file per key, named by the base64url of the key, and a journal.
 *
 * <p>A write is durable, against a kill and against power loss, when {@link #write} returns: its batch is appended
 * to the journal ({@link JournalFormat}) and the journal fsynced. Writes that arrive while one is being synced wait
 * and share the next fsync (group commit), so N shadows applying deltas at once cost about one fsync, not N. The
 * key files are not touched by a write: its values are served from memory until a checkpoint writes each key
 * changed since the last one once (temp file renamed over, then fsynced). (Replacing a file by rename costs about as
 * much as the fsync itself on ext4, which flushes the new file's data at the rename: doing it per write capped a
 * group commit at a few hundred writes per second however many shared the fsync.)
 *
 * <p>Once the journal grows past {@value #CHECKPOINT_BYTES} bytes or {@value #CHECKPOINT_KEYS} keys wait for a
 * checkpoint, the write that sees it only seals the journal (renames it aside; later writes start a new one) and
 * hands the checkpoint to the store's own thread, so no writer waits for key files: the sealed journal is deleted
 * once the files it covers are durable. One checkpoint runs at a time; {@link #close()} runs the last one. Opening
 * the store replays the sealed journal and then the current one, each up to its last whole record, so the store holds
 * all of a batch or none of it after a crash or a power loss at any step. A lock file keeps a second process (or a
 * second instance) out.
 *
 * <p>Keys are limited to {@value #MAX_KEY_BYTES} UTF-8 bytes so that file names fit every common file system.
 * Thread-safe; reads take no lock.
 */
public final class FileKeyValueStore implements KeyValueStore {
  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 180;
  /** Journal size above which a write hands a checkpoint to the store's thread. */
  static final int CHECKPOINT_BYTES = 1 << 20;
  /** Keys changed since the last checkpoint above which a write hands a checkpoint to the store's thread. */
  static final int CHECKPOINT_KEYS = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(FileKeyValueStore.class);
  private static final String JOURNAL = "journal.bin";
  /** The journal a background checkpoint is writing out; it goes once the key files are durable. */
  private static final String SEALED_JOURNAL = "journal.sealed.bin";
  private static final String LOCK = "store.lock";

  /** Test seam: called at each step of a write or a checkpoint so tests can simulate a crash there by throwing. */
  interface StepListener {
    void reached(String step);
  }

  private final Path dir;
  private final StepListener steps;
  private final KeyFiles files;
  private final long checkpointBytes;
  private final int checkpointKeys;
  private final FileLock lock;
  /** Every key on disk, so listing a prefix does not scan a directory that may hold thousands of shadows. */
  private final NavigableSet<String> index = new ConcurrentSkipListSet<>();
  /** Values journaled and not yet in their files ({@link KeyFiles#REMOVED} for a removal). */
  private final Map<String, byte[]> staged = new ConcurrentHashMap<>();
  private final GroupCommit<WriteBatch> commits = new GroupCommit<>(this::commit);
  private final ExecutorService checkpointer;
  private final LongAdder batchesWritten = new LongAdder();
  private final LongAdder journalSyncs = new LongAdder();
  private final LongAdder checkpoints = new LongAdder();
  private volatile boolean closed;
  /** A write or a checkpoint failed midway: only a reopen (which replays the journals) makes the store whole. */
  private volatile boolean needsRecovery;
  /** Set by a commit that seals the journal, cleared by the checkpoint that deletes it. */
  private volatile boolean sealed;
  /** The background checkpoint handed off last (set only inside the group commit). */
  private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
  // Touched only inside the group commit (one thread at a time), or by open.
  private FileChannel journal;
  private boolean released;

  private FileKeyValueStore(Path dir, StepListener steps, long checkpointBytes, int checkpointKeys)
      throws IOException {
    this.dir = dir;
    this.steps = steps;
    this.files = new KeyFiles(dir, steps);
    this.checkpointBytes = checkpointBytes;
    this.checkpointKeys = checkpointKeys;
    Files.createDirectories(dir);
    this.lock = files.lock(LOCK);
    this.checkpointer = Executors.newSingleThreadExecutor(
        new NamedThreadFactory("thingbridge-store-checkpoint-" + dir.getFileName(), true));
  }

  /** Opens (creating if needed) the store in {@code dir}, finishing any batch a crash interrupted. */
  public static FileKeyValueStore open(Path dir) {
    return open(dir, step -> { }, CHECKPOINT_BYTES, CHECKPOINT_KEYS);
  }

  static FileKeyValueStore open(Path dir, StepListener steps) {
    return open(dir, steps, CHECKPOINT_BYTES, CHECKPOINT_KEYS);
  }

  /** Opens with other checkpoint thresholds (for tests). */
  static FileKeyValueStore open(Path dir, StepListener steps, long checkpointBytes, int checkpointKeys) {
    FileKeyValueStore store;
    try {
      store = new FileKeyValueStore(dir, steps, checkpointBytes, checkpointKeys);
    } catch (IOException e) {
      throw new ShadowStoreException("cannot open store " + dir + ": " + e.getMessage(), e);
    }
    try {
      store.recover();
      return store;
    } catch (IOException | RuntimeException e) {
      store.release();
      throw e instanceof ShadowStoreException se ? se
          : new ShadowStoreException("cannot open store " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The directory holding the files. */
  public Path directory() {
    return dir;
  }

  @Override
  public Optional<byte[]> get(String key) {
    ensureOpen();
    byte[] newer = staged.get(key);
    if (newer != null) {
      return newer == KeyFiles.REMOVED ? Optional.empty() : Optional.of(newer.clone());
    }
    try {
      return files.read(key);
    } catch (IOException e) {
      throw new ShadowStoreException("cannot read a key of store " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> keys(String prefix) {
    ensureOpen();
    List<String> out = new ArrayList<>();
    for (String key : index.tailSet(prefix, true)) {
      if (!key.startsWith(prefix)) {
        break;
      }
      out.add(key);
    }
    return out;
  }

  /**
   * Applies a batch atomically and durably. Batches written at the same moment by several threads are committed
   * together, in the order they arrived, with one fsync. A write never waits for a checkpoint.
   */
  @Override
  public void write(WriteBatch batch) {
    for (WriteBatch.Op op : batch.ops()) {
      if (op instanceof WriteBatch.Put put) {
        files.fileOf(put.key());
      } else if (op instanceof WriteBatch.Remove remove) {
        files.fileOf(remove.key());
      }
    }
    ensureOpen();
    commits.submit(batch);
    batchesWritten.increment();
  }

  /**
   * How many batches were written since the store was opened, how many fsyncs of the journal they took (with
   * writers waiting at the same moment the second is smaller than the first) and how many checkpoints the store's
   * thread completed (for diagnostics and benchmarks).
   */
  public CommitStats commitStats() {
    return new CommitStats(batchesWritten.sum(), journalSyncs.sum(), checkpoints.sum());
  }

  /** Batches waiting for the commit in progress to finish (for tests). */
  int queuedWrites() {
    return commits.queued();
  }

  /** Waits for the background checkpoint handed off last, if any, whatever its outcome (for tests). */
  void awaitCheckpoint() {
    try {
      inFlight.join();
    } catch (CompletionException | CancellationException ignored) {
      // its outcome shows in the store's state
    }
  }

  /** Journals a group of batches with one fsync, stages it, and hands a checkpoint off when one is due. */
  private void commit(List<WriteBatch> group) {
    ensureOpen();
    Map<String, byte[]> net = new LinkedHashMap<>();
    for (WriteBatch batch : group) {
      BatchResolver.resolve(batch, prefix -> keysWith(prefix, net)).forEach((key, value) -> {
        net.remove(key);
        net.put(key, value);
      });
    }
    if (net.isEmpty()) {
      return;
    }
    try {
      append(JournalFormat.encode(net));
    } catch (IOException e) {
      throw new ShadowStoreException("cannot write store " + dir + ": " + e.getMessage(), e);
    }
    try {
      steps.reached("journal-written");
      stage(net);
      if (inFlight.isDone() && (journal.size() > checkpointBytes || staged.size() > checkpointKeys)) {
        handOffCheckpoint();
      }
    } catch (IOException e) {
      // The group is durable and staged; only sealing the journal failed. The next write past the limit retries.
      LOG.warn("store {}: cannot hand a checkpoint off, the journal grows meanwhile: {}", dir, e.getMessage());
    } catch (RuntimeException e) {
      // The group is journaled but maybe not staged: only a reopen (which replays the journal) makes it whole.
      needsRecovery = true;
      closed = true;
      throw e;
    }
  }

  /**
   * Seals the journal (unless a failed checkpoint left one sealed) and has the store's thread write out what is
   * staged now. The next append starts a new journal, and syncs the directory before it, which also makes the
   * rename durable before anything relies on it.
   */
  private void handOffCheckpoint() throws IOException {
    if (!sealed) {
      journal.close();
      journal = null;
      Files.move(dir.resolve(JOURNAL), dir.resolve(SEALED_JOURNAL), StandardCopyOption.ATOMIC_MOVE);
      sealed = true;
      steps.reached("journal-sealed");
    }
    Map<String, byte[]> snapshot = Map.copyOf(staged);
    inFlight = CompletableFuture.runAsync(() -> checkpointSealed(snapshot), checkpointer);
  }

  /** On the store's thread: writes out a snapshot of what was staged when the journal was sealed. */
  private void checkpointSealed(Map<String, byte[]> snapshot) {
    try {
      steps.reached("checkpoint-started");
      files.writeDurably(snapshot);
      unstage(snapshot);
      Files.deleteIfExists(dir.resolve(SEALED_JOURNAL));
      files.syncDirectory();
      sealed = false;
      checkpoints.increment();
      steps.reached("sealed-journal-deleted");
    } catch (IOException e) {
      // The sealed journal stays and still holds every value: the next write past the limit tries again.
      LOG.warn("store {}: checkpoint failed, its journal is kept: {}", dir, e.getMessage());
      throw new ShadowStoreException("checkpoint of store " + dir + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      needsRecovery = true;
      closed = true;
      LOG.error("store {}: checkpoint failed midway, the store is closed; reopen it to replay its journals", dir, e);
      throw e;
    }
  }

  /** Serves the keys of a snapshot from their files again, unless a later write staged a newer value. */
  private void unstage(Map<String, byte[]> written) {
    written.forEach(staged::remove);
  }

  /** The keys a prefix removal sees: those on disk and those earlier batches of the group put, less removed. */
  private List<String> keysWith(String prefix, Map<String, byte[]> earlier) {
    Set<String> keys = new TreeSet<>(keys(prefix));
    earlier.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        if (value == null) {
          keys.remove(key);
        } else {
          keys.add(key);
        }
      }
    });
    return new ArrayList<>(keys);
  }

  private void append(byte[] record) throws IOException {
    if (journal == null) {
      journal = FileChannel.open(dir.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      files.syncDirectory(); // the journal's own entry must survive a power loss before anything relies on it
    }
    long start = journal.size();
    try {
      ByteBuffer buf = ByteBuffer.wrap(record);
      journal.position(start);
      while (buf.hasRemaining()) {
        journal.write(buf);
      }
      journal.force(false);
      journalSyncs.increment();
      steps.reached("journal-synced");
    } catch (IOException e) {
      journal.truncate(start); // a torn record must not hide the records written after it
      throw e;
    }
  }

  /** Makes journaled changes visible: readers see them from memory until a checkpoint writes the files. */
  private void stage(Map<String, byte[]> net) {
    net.forEach((key, value) -> {
      if (value == null) {
        staged.put(key, KeyFiles.REMOVED);
        index.remove(key);
      } else {
        staged.put(key, value);
        index.add(key);
      }
    });
  }

  /**
   * On the caller's thread, with no write in progress and no checkpoint in flight: writes every staged key to its
   * file, makes the files durable, then deletes both journals.
   */
  private void checkpointAll() throws IOException {
    Map<String, byte[]> values = Map.copyOf(staged);
    files.writeDurably(values);
    unstage(values);
    if (journal != null) {
      journal.close();
      journal = null;
    }
    Files.deleteIfExists(dir.resolve(SEALED_JOURNAL));
    Files.deleteIfExists(dir.resolve(JOURNAL));
    sealed = false;
    files.syncDirectory();
  }

  private void recover() throws IOException {
    index.addAll(files.scan());
    boolean replayed = false;
    for (String name : List.of(SEALED_JOURNAL, JOURNAL)) { // the sealed one holds the older records
      Path journalFile = dir.resolve(name);
      if (Files.exists(journalFile)) {
        for (Map<String, byte[]> record : JournalFormat.decode(Files.readAllBytes(journalFile))) {
          stage(record);
        }
        replayed = true;
      }
    }
    if (replayed) {
      checkpointAll();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ShadowStoreException("store " + dir + " is closed");
    }
  }

  /**
   * Waits for the write and the checkpoint in progress, makes everything written durable in the key files (the
   * journals go) and releases the directory. After a failed write or checkpoint the journals are left for the next
   * open to replay.
   */
  @Override
  public void close() {
    commits.exclusively(() -> {
      if (released) {
        return;
      }
      released = true;
      closed = true;
      awaitCheckpoint();
      try {
        if (!needsRecovery && (journal != null || sealed)) {
          checkpointAll();
        }
      } catch (IOException e) {
        // The journals stay; the next open replays them.
      } finally {
        release();
      }
    });
  }

  private void release() {
    checkpointer.shutdownNow();
    try {
      if (journal != null) {
        journal.close();
      }
      lock.release();
      lock.channel().close();
    } catch (IOException ignored) {
      // Closing the channel releases the lock anyway.
    }
  }
}
