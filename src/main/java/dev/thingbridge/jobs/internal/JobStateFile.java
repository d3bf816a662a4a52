package dev.thingbridge.jobs.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's memory across restarts: which execution it was running and, once the handler finished but
 * before the service confirmed the terminal update, the outcome to resend. Written atomically (temporary
 * file, fsync, rename), so a crash leaves either the old or the new content, never a torn file.
 */
public final class JobStateFile {
  private static final Logger log = LoggerFactory.getLogger(JobStateFile.class);
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_NULL).build();

  private final Path file;

  /** What is remembered. {@code outcomeStatus} is null while the handler runs. */
  public record Saved(
      String jobId, long executionNumber, JobExecutionStatus outcomeStatus, Map<String, String> outcomeDetails) {}

  public JobStateFile(Path stateDir, String thingName) {
    this.file = stateDir.resolve("jobs-" + thingName + ".json");
  }

  public Path path() {
    return file;
  }

  /** The saved state, or empty when there is none or it is unreadable (then it is set aside, not deleted). */
  public Optional<Saved> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Saved s = MAPPER.readValue(file.toFile(), Saved.class);
      if (s == null || s.jobId() == null) {
        throw new IOException("no jobId");
      }
      return Optional.of(s);
    } catch (IOException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
      log.warn("jobs state file {} is unreadable ({}); moved to {}", file, e.getMessage(), aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        log.warn("could not move {} aside: {}", file, moveFailed.getMessage());
      }
      return Optional.empty();
    }
  }

  /** Replaces the saved state atomically. */
  public void save(Saved state) {
    try {
      AtomicFiles.write(file, MAPPER.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write jobs state file " + file, e);
    }
  }

  /** Forgets the saved state. */
  public void clear() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete jobs state file " + file, e);
    }
  }
}
