package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.mcu.FlashResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last flash job of an MCU as its firmware shadow reports it ({@code lastFlash}), kept in a small file in the
 * MCU's state directory so that a component restart does not forget it.
 *
 * @param outcome the flash's own outcome ({@link FlashResult.Outcome#FAILED} also when the job failed before the
 *     MCU was touched)
 * @param jobId the job
 * @param jobStatus how the job ended ({@code SUCCEEDED}, {@code FAILED}, {@code REJECTED}, ...)
 * @param time when it ended
 * @param reason the flash's one-line reason, or null
 * @param errorCode the job's OTA error code when it failed, or null
 * @param errorMessage the job's error message when it failed, or null
 */
record McuLastFlash(FlashResult.Outcome outcome, String jobId, String jobStatus, Instant time, String reason,
    String errorCode, String errorMessage) {
  /** The file's name in the MCU's state directory. */
  static final String FILE = "last-flash.json";
  private static final Logger log = LoggerFactory.getLogger(McuLastFlash.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  McuLastFlash {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(jobStatus, "jobStatus");
    Objects.requireNonNull(time, "time");
  }

  /** As the shadow carries it; absent details are nulls, which delete an earlier value from {@code reported}. */
  ObjectNode toJson() {
    ObjectNode f = JSON.createObjectNode().put("outcome", outcome.name()).put("jobId", jobId)
        .put("jobStatus", jobStatus).put("time", time.toString());
    return f.put("reason", reason).put("errorCode", errorCode).put("errorMessage", errorMessage);
  }

  /** Writes it to {@code dir}/{@value #FILE} (atomically); a failure is logged: the shadow still has it. */
  void save(Path dir) {
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(toJson()));
    } catch (IOException e) {
      log.warn("mcu: the last flash cannot be kept in {}: {}", dir, e.toString());
    }
  }

  /** What {@link #save} wrote in {@code dir}; empty when there is none or it cannot be read (logged). */
  static Optional<McuLastFlash> load(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(file));
      return Optional.of(new McuLastFlash(FlashResult.Outcome.valueOf(n.path("outcome").asText()),
          n.path("jobId").asText(), n.path("jobStatus").asText(), Instant.parse(n.path("time").asText()),
          text(n, "reason"), text(n, "errorCode"), text(n, "errorMessage")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("mcu: {} cannot be read, the last flash is forgotten: {}", file, e.toString());
      return Optional.empty();
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
