package dev.thingbridge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Small state files replaced atomically: a kill or power loss at any moment leaves either the old or the new
 * content, never a torn file. (The shadow key-value store has its own journaled variant for multi-key
 * batches.)
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content}: temp file beside it, fsync, rename over the target, fsync
   * of the directory. Creates missing parent directories.
   */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, null);
  }

  /**
   * Like {@link #write(Path, byte[])}, with the file created with {@code permissions} from its first byte on
   * (a private key is never readable by others, not even for a moment), where the file system has POSIX
   * permissions. A left-over temp file of an earlier crash is removed first, so its mode cannot leak in.
   */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    Set<java.nio.file.OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    FileAttribute<?>[] attributes = new FileAttribute<?>[0];
    if (permissions != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.deleteIfExists(temp);
      attributes = new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }
    try (FileChannel ch = FileChannel.open(temp, options, attributes)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the rename is still atomic there.
    }
  }
}
