package dev.thingbridge.mcu.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.mcu.image.ImageFormatException;
import dev.thingbridge.mcu.image.McubootImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable record of one device's flash, in {@code <state-dir>/mcu/<id>.flash.json} beside a copy of the
 * image ({@code <id>.image}), both replaced atomically. It says how far the flash got; the device's image state
 * says the rest, so a restarted gateway continues (same image) or cleans up (another image, or no image copy).
 * Upload progress is saved at most every 64 KiB or second, which only costs a resumed upload a little re-sending
 * when the device was reset meanwhile (the device itself resumes by {@code sha}).
 */
public final class FlashJournal {
  private static final Logger LOG = LoggerFactory.getLogger(FlashJournal.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final long SAVE_EVERY_BYTES = 64 * 1024;
  private static final long SAVE_EVERY_NANOS = 1_000_000_000L;

  /** How far a flash got. Order matters: later phases compare greater. */
  public enum Phase {
    STARTED,
    UPLOADING,
    UPLOADED,
    TEST_MARKED,
    RESET_SENT,
    HEALTH_CHECK,
    CONFIRMING,
    REVERTING
  }

  /**
   * The file's content.
   *
   * @param format format version (1)
   * @param device the device's id
   * @param phase how far it got
   * @param fileSha SHA-256 of the image file, hex
   * @param imageHash the image's hash TLV, hex
   * @param version the image's version
   * @param previousHash the hash running when the flash started, hex, or null
   * @param previousVersion its version, or null
   * @param uploaded bytes the device had acknowledged at the last save
   * @param started when the flash started
   */
  public record Entry(int format, String device, Phase phase, String fileSha, String imageHash, String version,
      String previousHash, String previousVersion, long uploaded, String started) {}

  private final Path journalFile;
  private final Path imageFile;
  private Entry entry;
  private long savedBytes;
  private long savedAt;

  private FlashJournal(Path dir, String device, Entry entry) {
    this.journalFile = dir.resolve("mcu").resolve(device + ".flash.json");
    this.imageFile = dir.resolve("mcu").resolve(device + ".image");
    this.entry = entry;
  }

  /** The journal of {@code device} in {@code stateDir}, if one was left; an unreadable one is set aside. */
  public static Optional<FlashJournal> load(Path stateDir, String device) {
    FlashJournal j = new FlashJournal(stateDir, device, null);
    if (!Files.exists(j.journalFile)) {
      return Optional.empty();
    }
    try {
      j.entry = JSON.readValue(Files.readAllBytes(j.journalFile), Entry.class);
      if (j.entry.format() != 1 || j.entry.phase() == null || j.entry.fileSha() == null) {
        throw new IOException("not a format-1 flash journal");
      }
      return Optional.of(j);
    } catch (IOException e) {
      Path aside = j.journalFile.resolveSibling(j.journalFile.getFileName() + ".corrupt");
      LOG.warn("{}: unreadable flash journal set aside as {}: {}", device, aside, e.getMessage());
      try {
        Files.move(j.journalFile, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        LOG.warn("{}: cannot set the journal aside: {}", device, moveFailed.getMessage());
      }
      return Optional.empty();
    }
  }

  /** Starts a journal for flashing {@code image}: the image copy first, then the record. */
  public static FlashJournal begin(Path stateDir, String device, McubootImage image) throws IOException {
    HexFormat hex = HexFormat.of();
    FlashJournal j = new FlashJournal(stateDir, device, new Entry(1, device, Phase.STARTED,
        hex.formatHex(image.fileSha256()), hex.formatHex(image.hash()), image.version().toString(), null, null, 0,
        Instant.now().toString()));
    AtomicFiles.write(j.imageFile, image.bytes());
    j.save();
    return j;
  }

  public Entry entry() {
    return entry;
  }

  /** Whether this journal is about {@code image} (same file). */
  public boolean isFor(McubootImage image) {
    return entry.fileSha().equals(HexFormat.of().formatHex(image.fileSha256()));
  }

  /** The image copy, if it is still there and intact. */
  public Optional<McubootImage> image() {
    try {
      McubootImage img = McubootImage.parse(Files.readAllBytes(imageFile)).verifyHash();
      return isFor(img) ? Optional.of(img) : Optional.empty();
    } catch (IOException | ImageFormatException e) {
      return Optional.empty();
    }
  }

  /** Records the image that ran before (once). */
  public void previous(String hashHex, String version) throws IOException {
    if (entry.previousHash() == null) {
      entry = new Entry(1, entry.device(), entry.phase(), entry.fileSha(), entry.imageHash(), entry.version(), hashHex,
          version, entry.uploaded(), entry.started());
      save();
    }
  }

  /** Moves to {@code phase} (never back, except out of REVERTING by finishing). */
  public void phase(Phase phase) throws IOException {
    if (phase.compareTo(entry.phase()) > 0) {
      entry = new Entry(1, entry.device(), phase, entry.fileSha(), entry.imageHash(), entry.version(),
          entry.previousHash(), entry.previousVersion(), entry.uploaded(), entry.started());
      save();
    }
  }

  /** Notes upload progress, saving now and then. */
  public void uploaded(long offset) throws IOException {
    entry = new Entry(1, entry.device(), entry.phase().compareTo(Phase.UPLOADING) < 0 ? Phase.UPLOADING : entry.phase(),
        entry.fileSha(), entry.imageHash(), entry.version(), entry.previousHash(), entry.previousVersion(), offset,
        entry.started());
    long now = System.nanoTime();
    if (offset - savedBytes >= SAVE_EVERY_BYTES || now - savedAt >= SAVE_EVERY_NANOS) {
      save();
    }
  }

  private void save() throws IOException {
    AtomicFiles.write(journalFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entry));
    savedBytes = entry.uploaded();
    savedAt = System.nanoTime();
  }

  /** The flash is over (either way): the journal and the image copy go. */
  public void finish() {
    try {
      Files.deleteIfExists(journalFile);
      Files.deleteIfExists(imageFile);
    } catch (IOException e) {
      LOG.warn("{}: cannot remove the finished flash journal: {}", entry.device(), e.getMessage());
    }
  }
}
