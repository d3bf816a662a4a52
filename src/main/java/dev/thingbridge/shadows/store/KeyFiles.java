package dev.thingbridge.shadows.store;

import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The key files of a {@link FileKeyValueStore}: one file per key in the store's directory, named by the base64url of
 * the key's UTF-8. A file is replaced whole (temp file renamed over it), so a reader sees the old value or the new.
 */
final class KeyFiles {
  /** The value that stands for a removed key in a map of values to write (compared by identity). */
  static final byte[] REMOVED = new byte[0];

  private static final String TEMP_SUFFIX = ".tmp";
  private static final Base64.Encoder NAMES = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder NAME_DECODER = Base64.getUrlDecoder();

  private final Path dir;
  private final FileKeyValueStore.StepListener steps;

  KeyFiles(Path dir, FileKeyValueStore.StepListener steps) {
    this.dir = dir;
    this.steps = steps;
  }

  /** The file of a key; a key longer than {@link FileKeyValueStore#MAX_KEY_BYTES} is refused. */
  Path fileOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > FileKeyValueStore.MAX_KEY_BYTES) {
      throw new ShadowStoreException("key of " + utf8.length + " bytes is longer than "
          + FileKeyValueStore.MAX_KEY_BYTES);
    }
    return dir.resolve(NAMES.encodeToString(utf8));
  }

  /** Locks the directory against a second instance or process (through the file {@code name}). */
  FileLock lock(String name) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock acquired;
    try {
      acquired = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      acquired = null;
    }
    if (acquired == null) {
      channel.close();
      throw new ShadowStoreException("store " + dir + " is in use by another instance or process");
    }
    return acquired;
  }

  /** The value in a key's file, if it has one. */
  Optional<byte[]> read(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(fileOf(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The keys that have a file; leftover temp files of an interrupted write are deleted. */
  List<String> scan() throws IOException {
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX)) {
          Files.deleteIfExists(p);
        } else if (name.indexOf('.') < 0) {
          String key = decodeName(name);
          if (key != null) {
            keys.add(key);
          }
        }
      }
    }
    return keys;
  }

  /**
   * Writes each value to its key's file ({@link #REMOVED}: deletes it), then makes every file and the directory
   * durable: once this returns, the files hold the values without any journal.
   */
  void writeDurably(Map<String, byte[]> values) throws IOException {
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
    for (Path file : written) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
    syncDirectory();
    steps.reached("files-synced");
  }

  /** Makes the directory's entries (new, renamed and deleted files) durable. */
  void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the rename is still atomic there.
    }
  }

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

  private static String decodeName(String name) {
    try {
      return new String(NAME_DECODER.decode(name), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
