package dev.thingbridge.shadows.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A {@link KeyValueStore} in a directory: one file per key, named by the base64url of the key.
 *
 * <p>Every file is replaced atomically: written to a temp file, fsynced, renamed over the old one, and the directory
 * fsynced. A batch touching more than one key is first written whole to a journal (same steps), then applied key by
 * key, then the journal is removed; opening the store replays a journal left by a crash, so a kill at any moment
 * leaves all of a batch or none of it. A lock file keeps a second process (or a second instance) out.
 *
 * <p>Keys are limited to {@value #MAX_KEY_BYTES} UTF-8 bytes so that file names fit every common file system.
 */
public final class FileKeyValueStore implements KeyValueStore {
  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 180;

  private static final String JOURNAL = "journal.bin";
  private static final String LOCK = "store.lock";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final int JOURNAL_MAGIC = 0x54424b56;
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
  private final NavigableSet<String> index = new TreeSet<>();
  private boolean closed;

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
  public synchronized Optional<byte[]> get(String key) {
    ensureOpen();
    try {
      return Optional.of(Files.readAllBytes(fileOf(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ShadowStoreException("cannot read a key of store " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> keys(String prefix) {
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

  @Override
  public synchronized void write(WriteBatch batch) {
    ensureOpen();
    Map<String, byte[]> net = BatchResolver.resolve(batch, this::keys);
    for (String key : net.keySet()) {
      fileOf(key);
    }
    try {
      if (net.size() > 1) {
        writeAtomically(dir.resolve(JOURNAL), encodeJournal(net), true);
        steps.reached("journal-written");
        // The journal is durable, so a crash from here on is replayed at open: one directory fsync at the end
        // (before the journal goes) is enough for the renames of the batch.
        applyAll(net, false);
        syncDirectory();
        Files.deleteIfExists(dir.resolve(JOURNAL));
        syncDirectory();
        steps.reached("journal-removed");
      } else {
        applyAll(net, true);
      }
    } catch (IOException e) {
      if (net.size() > 1 && Files.exists(dir.resolve(JOURNAL))) {
        // Half a batch may be on disk; only a reopen (which replays the journal) makes the store whole again.
        close();
        throw new ShadowStoreException("write to store " + dir + " failed midway (" + e.getMessage()
            + "); the store is closed, reopen it to complete the batch from its journal", e);
      }
      throw new ShadowStoreException("cannot write store " + dir + ": " + e.getMessage(), e);
    }
  }

  private void applyAll(Map<String, byte[]> net, boolean syncEach) throws IOException {
    int n = 0;
    for (Map.Entry<String, byte[]> e : net.entrySet()) {
      Path file = fileOf(e.getKey());
      if (e.getValue() == null) {
        Files.deleteIfExists(file);
        index.remove(e.getKey());
        if (syncEach) {
          syncDirectory();
        }
      } else {
        writeAtomically(file, e.getValue(), syncEach);
        index.add(e.getKey());
      }
      steps.reached("applied-" + (++n));
    }
  }

  private void writeAtomically(Path target, byte[] bytes, boolean syncDir) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    steps.reached("temp-written");
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    if (syncDir) {
      syncDirectory();
    }
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
    Path journal = dir.resolve(JOURNAL);
    if (Files.exists(journal)) {
      Map<String, byte[]> net = decodeJournal(Files.readAllBytes(journal));
      if (net != null) {
        applyAll(net, false);
        syncDirectory();
      }
      Files.deleteIfExists(journal);
      syncDirectory();
    }
  }

  private static byte[] encodeJournal(Map<String, byte[]> net) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(JOURNAL_MAGIC);
    out.writeInt(net.size());
    for (Map.Entry<String, byte[]> e : net.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      out.writeShort(key.length);
      out.write(key);
      out.writeInt(e.getValue() == null ? -1 : e.getValue().length);
      if (e.getValue() != null) {
        out.write(e.getValue());
      }
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  /** The journal's changes, or null if it is not a complete journal (then it was never committed). */
  private static Map<String, byte[]> decodeJournal(byte[] bytes) {
    if (bytes.length < 16) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      if (in.readInt() != JOURNAL_MAGIC) {
        return null;
      }
      int count = in.readInt();
      Map<String, byte[]> net = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        byte[] key = in.readNBytes(in.readUnsignedShort());
        int len = in.readInt();
        net.put(new String(key, StandardCharsets.UTF_8), len < 0 ? null : in.readNBytes(len));
      }
      return net;
    } catch (IOException e) {
      return null;
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

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // Closing the channel releases the lock anyway.
    }
  }
}
