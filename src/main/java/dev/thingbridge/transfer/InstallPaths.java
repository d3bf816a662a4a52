package dev.thingbridge.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a job's {@code filepath} lands inside an install directory, or why it may not: the path is resolved
 * inside the directory (an absolute one only when it already lies inside), and {@code ..} segments, links on the
 * way, device names and destinations that are not regular files are refused.
 */
final class InstallPaths {
  private static final Pattern DEVICE_NAME =
      Pattern.compile("(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\\$|conout\\$)(\\..*)?");

  private final Path root;

  public InstallPaths(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The destination of {@code filepath}, checked against what is on disk now. */
  public Path resolve(String filepath) throws OtaPlatformException {
    if (filepath == null || filepath.isBlank()) {
      throw refuse(filepath, "it is empty");
    }
    for (int i = 0; i < filepath.length(); i++) {
      if (Character.isISOControl(filepath.charAt(i))) {
        throw refuse(filepath, "it holds control characters");
      }
    }
    Path p;
    try {
      p = Path.of(filepath);
    } catch (InvalidPathException e) {
      throw refuse(filepath, "it is not a valid path");
    }
    Path relative;
    if (p.isAbsolute()) {
      Path n = p.normalize();
      if (!n.startsWith(root) || hasDotDot(p)) {
        throw refuse(filepath, "an absolute path must lie inside the install directory");
      }
      relative = root.relativize(n);
    } else {
      relative = p;
    }
    if (hasDotDot(relative)) {
      throw refuse(filepath, "'..' is not allowed");
    }
    for (Path segment : relative) {
      String s = segment.toString();
      if (DEVICE_NAME.matcher(s).matches()) {
        throw refuse(filepath, "'" + s + "' is a device name");
      }
    }
    Path target = root.resolve(relative).normalize();
    if (target.equals(root) || !target.startsWith(root)) {
      throw refuse(filepath, "it names the install directory itself");
    }
    checkOnDisk(filepath, target);
    return target;
  }

  private void checkOnDisk(String filepath, Path target) throws OtaPlatformException {
    Path at = root;
    for (Path segment : root.relativize(target.getParent() == null ? root : target.getParent())) {
      at = at.resolve(segment);
      if (Files.isSymbolicLink(at)) {
        throw refuse(filepath, "'" + root.relativize(at) + "' is a link");
      }
      if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw refuse(filepath, "'" + root.relativize(at) + "' is not a directory");
      }
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw refuse(filepath, "the destination exists and is not a regular file (a link, directory or device)");
    }
    if (Files.exists(root)) {
      try {
        Path realRoot = root.toRealPath();
        Path existing = target.getParent();
        while (existing != null && !Files.exists(existing)) {
          existing = existing.getParent();
        }
        if (existing != null && !existing.toRealPath().startsWith(realRoot)) {
          throw refuse(filepath, "it leads out of the install directory");
        }
      } catch (IOException e) {
        throw new OtaPlatformException(OtaErrorCode.INVALID_FILE_PATH, "cannot check " + filepath + ": " + e.getMessage(), e);
      }
    }
  }

  private static boolean hasDotDot(Path p) {
    for (Path s : p) {
      if (s.toString().equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static OtaPlatformException refuse(String filepath, String why) {
    return new OtaPlatformException(OtaErrorCode.INVALID_FILE_PATH, "filepath '" + filepath + "' refused: " + why);
  }
}
