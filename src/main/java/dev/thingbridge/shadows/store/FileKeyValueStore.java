package dev.thingbridge.shadows.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A {@link KeyValueStore} in a directory: one file per key, named by the base64url of the key, and a journal.
 *
 * <p>A write is durable, against a kill and against power loss, when {@link #write} returns: its batch is appended
 * to the journal ({@link JournalFormat}) and the journal fsynced. Writes that arrive while one is being synced wait
 * and share the next fsync (group commit), so N shadows applying deltas at once cost about one fsync, not N. The
 * key files are not touched by a write: its values are served from memory until the next checkpoint, which writes
 * each key changed since the last one once (temp file renamed over, then fsynced) and removes the journal. A
 * checkpoint runs once the journal grows past {@value #CHECKPOINT_BYTES} bytes or {@value #CHECKPOINT_KEYS} keys
 * wait for one, and at {@link #close()}. (Replacing a file by rename costs about as much as the fsync itself on
 * ext4, which flushes the new file's data at the rename: doing it per write capped a group commit at a few hundred
 * writes per second however many shared the fsync.) Opening the store replays a journal left by a crash or a power
 * loss up to its last whole record, so the store holds all of a batch or none of it. A lock file keeps a second
 * process (or a second instance) out.
 *
 * <p>Keys are limited to {@value #MAX_KEY_BYTES} UTF-8 bytes so that file names fit every common file system.
 * Thread-safe; reads take no lock.
 */
public final class FileKeyValueStore implements KeyValueStore {
  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 180;
  /** Journal size above which a write checkpoints (fsyncs the key files written and empties the journal). */
  static final int CHECKPOINT_BYTES = 1 << 20;
  /** Keys changed since the last checkpoint above which a write checkpoints. */
  static final int CHECKPOINT_KEYS = 2048;
  /** The value of a key removed since the last checkpoint (compared by identity). */
  private static final byte[] REMOVED = new byte[0];

  private static final String JOURNAL = "journal.bin";
  private static final String LOCK = "store.lock";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Base64.Encoder NAMES = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder NAME_DECODER = Base64.getUrlDecoder();

  /** Test seam: called at each step of a write so tests can simulate a crash there by throwing. */
  interface StepListener {
    void reached(String step);
  }

  private final Path dir;
  private final StepListener steps;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** Every key on disk, so listing a prefix does not scan a directory that may hold thousands of shadows. */
  private final NavigableSet<String> index = new ConcurrentSkipListSet<>();
  /** Values written since the last checkpoint, newer than their files ({@link #REMOVED} for a removal). */
  private final Map<String, byte[]> staged = new ConcurrentHashMap<>();
  private final GroupCommit<WriteBatch> commits = new GroupCommit<>(this::commit);
  private final LongAdder batchesWritten = new LongAdder();
  private final LongAdder journalSyncs = new LongAdder();
  private volatile boolean closed;
  // Touched only inside the group commit (one thread at a time), or by open.
  private FileChannel journal;
  /** A write failed after its batch was journaled: only a reopen (which replays the journal) completes it. */
  private boolean needsRecovery;
  private boolean released;

  private FileKeyValueStore(Path dir, StepListener steps) throws IOException {
    this.dir = dir;
    this.steps = steps;
    Files.createDirectories(dir);
    this.lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      acquired = null;
    }
    if (acquired == null) {
      lockChannel.close();
      throw new ShadowStoreException("store " + dir + " is in use by another instance or process");
    }
    this.lock = acquired;
  }

  /** Opens (creating if needed) the store in {@code dir}, finishing any batch a crash interrupted. */
  public static FileKeyValueStore open(Path dir) {
    return open(dir, step -> { });
  }

  static FileKeyValueStore open(Path dir, StepListener steps) {
    try {
      FileKeyValueStore store = new FileKeyValueStore(dir, steps);
      store.recover();
      return store;
    } catch (IOException e) {
      throw new ShadowStoreException("cannot open store " + dir + ": " + e.getMessage(), e);
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
      return newer == REMOVED ? Optional.empty() : Optional.of(newer.clone());
    }
    try {
      return Optional.of(Files.readAllBytes(fileOf(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
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
   * together, in the order they arrived, with one fsync.
   */
  @Override
  public void write(WriteBatch batch) {
    for (WriteBatch.Op op : batch.ops()) {
      if (op instanceof WriteBatch.Put put) {
        fileOf(put.key());
      } else if (op instanceof WriteBatch.Remove remove) {
        fileOf(remove.key());
      }
    }
    ensureOpen();
    commits.submit(batch);
    batchesWritten.increment();
  }

  /**
   * How many batches were written since the store was opened, and how many fsyncs of the journal they took: with
   * writers waiting at the same moment the second is smaller than the first (for diagnostics and benchmarks).
   */
  public CommitStats commitStats() {
    return new CommitStats(batchesWritten.sum(), journalSyncs.sum());
  }

  /** Batches waiting for the commit in progress to finish (for tests). */
  int queuedWrites() {
    return commits.queued();
  }

  /** Journals a group of batches with one fsync, then stages it for the next checkpoint. */
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
      if (journal.size() > CHECKPOINT_BYTES || staged.size() > CHECKPOINT_KEYS) {
        checkpoint();
      }
    } catch (IOException | RuntimeException e) {
      // Half the group may be on disk; only a reopen (which replays the journal) makes the store whole again.
      needsRecovery = true;
      closed = true;
      throw e instanceof RuntimeException re ? re : new ShadowStoreException("write to store " + dir
          + " failed midway (" + e.getMessage() + "); the store is closed, reopen it to complete the batch from its "
          + "journal", e);
    }
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
      syncDirectory(); // the journal's own entry must survive a power loss before anything relies on it
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
        staged.put(key, REMOVED);
        index.remove(key);
      } else {
        staged.put(key, value);
        index.add(key);
      }
    });
  }

  /** Writes the staged values to their files; returns the files written (not yet fsynced). */
  private List<Path> writeStaged(Map<String, byte[]> values) throws IOException {
    List<Path> written = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      Path file = fileOf(e.getKey());
      if (e.getValue() == REMOVED) {
        Files.deleteIfExists(file);
      } else {
        replace(file, e.getValue());
        written.add(file);
      }
      steps.reached("applied-" + (++n));
    }
    return written;
  }

  /** Writes a temp file and renames it over the target: a reader sees the old value or the new one, whole. */
  private void replace(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    Files.write(temp, bytes);
    steps.reached("temp-written");
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes every key changed since the last checkpoint to its file, makes the files durable on their own, then
   * empties the journal. Readers keep reading the staged values until their files are in place.
   */
  private void checkpoint() throws IOException {
    Map<String, byte[]> values = Map.copyOf(staged);
    for (Path file : writeStaged(values)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
    syncDirectory();
    values.forEach(staged::remove);
    if (journal != null) {
      journal.close();
      journal = null;
    }
    Files.deleteIfExists(dir.resolve(JOURNAL));
    syncDirectory();
  }

  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the rename is still atomic there.
    }
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX)) {
          Files.deleteIfExists(p);
        } else if (name.indexOf('.') < 0) {
          String key = decodeName(name);
          if (key != null) {
            index.add(key);
          }
        }
      }
    }
    Path journalFile = dir.resolve(JOURNAL);
    if (Files.exists(journalFile)) {
      for (Map<String, byte[]> record : JournalFormat.decode(Files.readAllBytes(journalFile))) {
        stage(record);
      }
      checkpoint();
    }
  }

  private Path fileOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_KEY_BYTES) {
      throw new ShadowStoreException("key of " + utf8.length + " bytes is longer than " + MAX_KEY_BYTES);
    }
    return dir.resolve(NAMES.encodeToString(utf8));
  }

  private static String decodeName(String name) {
    try {
      return new String(NAME_DECODER.decode(name), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ShadowStoreException("store " + dir + " is closed");
    }
  }

  /**
   * Waits for the write in progress, makes everything written durable in the key files (the journal goes) and
   * releases the directory. After a failed write the journal is left for the next open to replay.
   */
  @Override
  public void close() {
    commits.exclusively(() -> {
      if (released) {
        return;
      }
      released = true;
      closed = true;
      try {
        if (!needsRecovery && journal != null) {
          checkpoint();
        }
      } catch (IOException e) {
        // The journal stays; the next open replays it.
      } finally {
        try {
          if (journal != null) {
            journal.close();
          }
          lock.release();
          lockChannel.close();
        } catch (IOException ignored) {
          // Closing the channel releases the lock anyway.
        }
      }
    });
  }
}
