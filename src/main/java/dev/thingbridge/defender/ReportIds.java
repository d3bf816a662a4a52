package dev.thingbridge.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Report ids per thing: the epoch time in milliseconds, or one more than the thing's previous id when the
 * clock has not moved past it, so ids strictly increase. AWS drops a report whose id it has seen, which is
 * what happens after a reboot to a device counting ticks since boot (rustot's default).
 *
 * <p>{@link #epochMillis(Clock)} keeps the last ids in memory: across a restart they still increase as long
 * as the clock does. {@link #persistent(Path, Clock)} also writes them to a file (atomically, before the id
 * is used), so they increase even if the clock is set back.
 */
public final class ReportIds {
  private static final Logger log = LoggerFactory.getLogger(ReportIds.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Clock clock;
  private final Path file;
  private final Map<String, Long> last = new HashMap<>();

  private ReportIds(Clock clock, Path file) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.file = file;
    if (file != null) {
      load();
    }
  }

  /** Ids from the clock, the last ones kept in memory. */
  public static ReportIds epochMillis(Clock clock) {
    return new ReportIds(clock, null);
  }

  /** Ids from the clock, the last ones also kept in {@code file}. */
  public static ReportIds persistent(Path file, Clock clock) {
    return new ReportIds(clock, Objects.requireNonNull(file, "file"));
  }

  /**
   * The next id of a thing.
   *
   * @throws UncheckedIOException if the state file cannot be written (the id is then not used)
   */
  public synchronized long next(String thingName) {
    long previous = last.getOrDefault(thingName, -1L);
    long id = Math.max(clock.millis(), previous + 1);
    last.put(thingName, id);
    if (file != null) {
      try {
        ObjectNode n = JSON.createObjectNode();
        last.forEach(n::put);
        AtomicFiles.write(file, JSON.writeValueAsBytes(n));
      } catch (IOException e) {
        last.put(thingName, previous);
        throw new UncheckedIOException("cannot keep report ids in " + file + ": " + e.getMessage(), e);
      }
    }
    return id;
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      n.fields().forEachRemaining(e -> {
        if (e.getValue().canConvertToLong()) {
          last.put(e.getKey(), e.getValue().longValue());
        }
      });
    } catch (IOException | RuntimeException e) {
      log.warn("report id file {} is unreadable ({}); ids start from the clock", file, e.getMessage());
    }
  }
}
