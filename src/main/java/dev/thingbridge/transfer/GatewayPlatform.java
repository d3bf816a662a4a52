package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform of the gateway itself: files go into an install directory, and the image state lives in the
 * state directory, so that an update survives the gateway's restart.
 *
 * <p>Each file's {@code filepath} is resolved inside the install directory (default {@code <state-dir>/files}):
 * an absolute path only when it lies inside it; {@code ..}, links on the way, device names and destinations that
 * are not regular files are refused with {@code invalid_file_path} before anything is downloaded. A verified file
 * is moved into place with an atomic rename, so a reader sees the old file or the new one, and a failed or
 * canceled job leaves the old one untouched. What a firmware update replaces is kept until the new image is
 * committed, and put back if it is rejected or the device resets before the commit.
 *
 * <p>Activation marks the image pending-commit, then runs the restart action: a Greengrass component or a
 * systemd service exits so that its supervisor starts the new version, and the self-test follows at the next
 * start. Without a restart action the self-test follows at once, in this process.
 */
public final class GatewayPlatform implements OtaPlatform {
  private static final Logger log = LoggerFactory.getLogger(GatewayPlatform.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A self-test of the new image: throw to reject it. */
  @FunctionalInterface
  public interface SelfTest {
    void run(String jobId, Map<String, String> statusDetails) throws Exception;
  }

  private final InstallPaths paths;
  private final Path stateFile;
  private final Path backupDir;
  private final Runnable restartAction;
  private final SelfTest selfTest;
  private final Object lock = new Object();

  private GatewayPlatform(Builder b) {
    Path platformDir = b.stateDir.resolve("ota").resolve("platform");
    this.paths = new InstallPaths(b.installDir == null ? b.stateDir.resolve("files") : b.installDir);
    this.stateFile = platformDir.resolve("image-state.json");
    this.backupDir = platformDir.resolve("backup");
    this.restartAction = b.restartAction;
    this.selfTest = b.selfTest;
  }

  /** A platform keeping its state under {@code stateDir} (and files in {@code stateDir/files} by default). */
  public static Builder builder(Path stateDir) {
    return new Builder(stateDir);
  }

  /** The install directory. */
  public Path installDir() {
    return paths.root();
  }

  /** Where {@code filepath} would be installed, or why it may not. */
  public Path destinationOf(String filepath) throws OtaPlatformException {
    return paths.resolve(filepath);
  }

  @Override
  public void checkFile(OtaFile file) throws OtaPlatformException {
    paths.resolve(file.filepath());
  }

  @Override
  public void install(List<VerifiedFile> files, boolean awaitingCommit) throws OtaPlatformException {
    synchronized (lock) {
      State state = load();
      List<Backup> done = new ArrayList<>(state.backups);
      try {
        for (VerifiedFile f : files) {
          Path target = paths.resolve(f.file().filepath());
          Files.createDirectories(target.getParent());
          paths.resolve(f.file().filepath()); // again, now that the directories exist
          Path temp = target.resolveSibling("." + target.getFileName() + ".ota-" + UUID.randomUUID());
          moveOrCopy(f.content(), temp);
          Backup b = backup(target);
          done.add(b);
          save(new State(state.image, done));
          move(temp, target);
          fsyncDir(target.getParent());
          log.info("ota: installed {} ({} bytes, sha256 {})", target, f.file().size(), f.sha256Hex());
        }
      } catch (IOException e) {
        restore(done);
        save(new State(state.image, List.of()));
        throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "installing failed: " + e.getMessage(), e);
      }
      if (!awaitingCommit) {
        discard(done);
        save(new State(state.image, List.of()));
      }
    }
  }

  @Override
  public PlatformImageState imageState() throws OtaPlatformException {
    synchronized (lock) {
      return load().image;
    }
  }

  @Override
  public void setImageState(ImageState target) throws OtaPlatformException {
    synchronized (lock) {
      State s = load();
      switch (target.kind()) {
        case ACCEPTED -> {
          discard(s.backups);
          save(new State(PlatformImageState.VALID, List.of()));
        }
        case REJECTED, ABORTED -> {
          if (s.image == PlatformImageState.PENDING_COMMIT || !s.backups.isEmpty()) {
            restore(s.backups);
            save(new State(PlatformImageState.INVALID, List.of()));
            log.info("ota: new image {}; the previous files are back", target.kind().name().toLowerCase());
          }
        }
        case TESTING, UNKNOWN -> { }
      }
    }
  }

  @Override
  public Activation activate(List<VerifiedFile> firmware) throws OtaPlatformException {
    synchronized (lock) {
      State s = load();
      save(new State(PlatformImageState.PENDING_COMMIT, s.backups));
    }
    if (restartAction == null) {
      return Activation.ACTIVE;
    }
    log.info("ota: new firmware installed; restarting to run it");
    restartAction.run();
    return Activation.RESTARTING;
  }

  @Override
  public void reset() throws OtaPlatformException {
    synchronized (lock) {
      State s = load();
      if (s.image == PlatformImageState.PENDING_COMMIT) {
        restore(s.backups);
        save(new State(PlatformImageState.INVALID, List.of()));
        log.info("ota: reset before the commit; the previous files are back");
      }
    }
    if (restartAction != null) {
      restartAction.run();
    }
  }

  @Override
  public void selfTest(String jobId, Map<String, String> statusDetails) throws Exception {
    if (selfTest != null) {
      selfTest.run(jobId, statusDetails);
    }
  }

  // ---- state file ----

  private record Backup(Path target, Path copy) {}

  private record State(PlatformImageState image, List<Backup> backups) {}

  private State load() throws OtaPlatformException {
    if (!Files.exists(stateFile)) {
      return new State(PlatformImageState.VALID, List.of());
    }
    try {
      JsonNode n = JSON.readTree(stateFile.toFile());
      List<Backup> backups = new ArrayList<>();
      for (JsonNode b : n.path("backups")) {
        backups.add(new Backup(Path.of(b.path("target").asText()),
            b.hasNonNull("copy") ? Path.of(b.get("copy").asText()) : null));
      }
      return new State(PlatformImageState.valueOf(n.path("image").asText("VALID")), backups);
    } catch (IOException | IllegalArgumentException e) {
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "image state " + stateFile + " is unreadable: "
          + e.getMessage(), e);
    }
  }

  private void save(State s) throws OtaPlatformException {
    ObjectNode n = JSON.createObjectNode();
    n.put("image", s.image.name());
    ArrayNode a = n.putArray("backups");
    for (Backup b : s.backups) {
      ObjectNode o = a.addObject();
      o.put("target", b.target.toString());
      o.put("copy", b.copy == null ? null : b.copy.toString());
    }
    try {
      AtomicFiles.write(stateFile, JSON.writeValueAsBytes(n));
    } catch (IOException e) {
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "image state not saved: " + e.getMessage(), e);
    }
  }

  // ---- files ----

  /** Keeps what {@code target} holds now (a hard link where possible), or records that it did not exist. */
  private Backup backup(Path target) throws IOException {
    if (!Files.exists(target)) {
      return new Backup(target, null);
    }
    Files.createDirectories(backupDir);
    Path copy = backupDir.resolve(UUID.randomUUID() + ".bak");
    try {
      Files.createLink(copy, target);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(target, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
    return new Backup(target, copy);
  }

  private void restore(List<Backup> backups) {
    for (int i = backups.size() - 1; i >= 0; i--) {
      Backup b = backups.get(i);
      try {
        if (b.copy == null) {
          Files.deleteIfExists(b.target);
        } else if (Files.exists(b.copy)) {
          Path temp = b.target.resolveSibling("." + b.target.getFileName() + ".ota-restore");
          Files.copy(b.copy, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
          move(temp, b.target);
          Files.deleteIfExists(b.copy);
        }
      } catch (IOException e) {
        log.error("ota: could not put back {}: {}", b.target, e.toString());
      }
    }
  }

  private static void discard(List<Backup> backups) {
    for (Backup b : backups) {
      if (b.copy != null) {
        try {
          Files.deleteIfExists(b.copy);
        } catch (IOException e) {
          log.warn("ota: could not delete backup {}: {}", b.copy, e.toString());
        }
      }
    }
  }

  private static void moveOrCopy(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.deleteIfExists(from);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // some file systems cannot fsync a directory; the rename is atomic there all the same
    }
  }

  /** Builds a {@link GatewayPlatform}. */
  public static final class Builder {
    private final Path stateDir;
    private Path installDir;
    private Runnable restartAction;
    private SelfTest selfTest;

    private Builder(Path stateDir) {
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
    }

    /** Where files are installed (default {@code <state-dir>/files}). */
    public Builder installDir(Path value) {
      this.installDir = value;
      return this;
    }

    /**
     * What restarts the gateway's software after a firmware file was installed (exit so that the supervisor
     * restarts it, say). Default: none, and the self-test follows at once.
     */
    public Builder restartAction(Runnable value) {
      this.restartAction = value;
      return this;
    }

    /** The self-test of a new firmware (default: none, it passes). */
    public Builder selfTest(SelfTest value) {
      this.selfTest = value;
      return this;
    }

    public GatewayPlatform build() {
      return new GatewayPlatform(this);
    }
  }
}
