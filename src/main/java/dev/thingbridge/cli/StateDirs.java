package dev.thingbridge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a {@code --state-dir} before anything starts: an existing directory that can be written, or a path
 * whose nearest existing parent is one (the directory is then created). A file, a read-only place or a
 * kernel pseudo-filesystem ({@code /proc}, {@code /sys}, {@code /dev}) is a usage error, so that a command
 * never runs for a while with state it cannot keep.
 */
final class StateDirs {
  private static final List<Path> PSEUDO_FILESYSTEMS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

  private StateDirs() {}

  /** Checks {@code dir} (see the class comment) and creates it if missing. */
  static Path check(String flag, Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    Path real = realOrSelf(absolute);
    for (Path pseudo : PSEUDO_FILESYSTEMS) {
      if (real.startsWith(pseudo)) {
        throw new UsageException(flag + " " + dir + " is on " + pseudo + ", a kernel pseudo-filesystem that "
            + "cannot keep state");
      }
    }
    if (Files.exists(absolute)) {
      if (!Files.isDirectory(absolute)) {
        throw new UsageException(flag + " " + dir + " is not a directory");
      }
      if (!Files.isWritable(absolute) || !Files.isExecutable(absolute)) {
        throw new UsageException(flag + " " + dir + " is not writable");
      }
      return absolute;
    }
    try {
      return Files.createDirectories(absolute);
    } catch (IOException | SecurityException e) {
      throw new UsageException(flag + " " + dir + " cannot be created: "
          + (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
              : e.getClass().getSimpleName().replace("Exception", "").replace("FileAlreadyExists", "a file is in the way")
                  .replace("AccessDenied", "permission denied")), e);
    }
  }

  private static Path realOrSelf(Path p) {
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(p));
    } catch (IOException e) {
      return p;
    }
  }
}
