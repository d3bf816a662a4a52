package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.transfer.OtaDocument;
import dev.thingbridge.transfer.OtaFile;
import dev.thingbridge.transfer.OtaListener;
import dev.thingbridge.transfer.OtaResult;
import dev.thingbridge.transfer.TransferProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What {@code ota run} prints: one JSON line per update when it ends ({@code succeeded}, {@code failed}, {@code
 * rejected}, {@code canceled} or {@code restarting}, with its bytes, time and reason), and, when the process runs on
 * a terminal, a progress bar on standard error (percent, bytes, rate, time left) redrawn in place and fitted to the
 * terminal's width. Elsewhere (a pipe, a file, a service's journal) there is no bar: the output stays one JSON line
 * per update, with no carriage return in it.
 */
final class OtaProgressPrinter implements OtaListener {
  private static final int BAR = 24;
  private static final int MIN_BAR = 10;

  /** Where the bar is drawn: a terminal's writer and its width in columns. */
  record Terminal(PrintWriter out, int columns) {
    Terminal {
      if (columns < 1) {
        throw new IllegalArgumentException("a terminal has at least one column: " + columns);
      }
    }
  }

  private final Consumer<JsonNode> events;
  private final Terminal terminal;
  private final Runnable onFinished;
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> bytes = new ConcurrentHashMap<>();
  private volatile boolean lastSucceeded = true;
  private int shown;

  /**
   * @param events where each update's JSON line goes (standard output)
   * @param terminal where the progress bar goes, or null when the process is not on a terminal
   */
  OtaProgressPrinter(Consumer<JsonNode> events, Terminal terminal, Runnable onFinished) {
    this.events = events;
    this.terminal = terminal;
    this.onFinished = onFinished;
  }

  boolean lastSucceeded() {
    return lastSucceeded;
  }

  @Override
  public void onJobStarted(String jobId, OtaDocument document) {
    started.put(jobId, System.nanoTime());
    bytes.put(jobId, document.files().stream().mapToLong(OtaFile::size).sum());
  }

  @Override
  public void onProgress(TransferProgress p) {
    if (terminal == null) {
      return;
    }
    String frame = frame(p, terminal.columns());
    synchronized (terminal) {
      // Spaces over what is left of a longer frame; the cursor stays at the line's start for the next one.
      terminal.out().print("\r" + frame + " ".repeat(Math.max(0, shown - frame.length())));
      terminal.out().flush();
      shown = frame.length();
    }
  }

  /**
   * One frame of the bar, at most {@code columns - 1} characters (a terminal wraps a line that fills its last
   * column): the job, the bar, percent, bytes, rate and time left; on a narrow terminal the bar shrinks, then the
   * job's name goes, then the bar, then the line is cut.
   */
  static String frame(TransferProgress p, int columns) {
    int room = Math.max(1, columns - 1);
    String left = p.timeLeft().map(OtaProgressPrinter::clock).orElse("--:--");
    String stats = String.format(Locale.ROOT, "%3d%% %s/%s %s/s %s left", (int) Math.floor(p.fraction() * 100),
        size(p.bytesReceived()), size(p.bytesTotal()), size((long) p.bytesPerSecond()), left);
    int withName = room - stats.length() - p.jobId().length() - 4; // "name [" + "] "
    if (withName >= MIN_BAR) {
      return p.jobId() + " " + bar(p.fraction(), Math.min(BAR, withName)) + " " + stats;
    }
    int alone = room - stats.length() - 3;
    if (alone >= MIN_BAR) {
      return bar(p.fraction(), Math.min(BAR, alone)) + " " + stats;
    }
    return stats.length() <= room ? stats : stats.substring(0, room);
  }

  private static String bar(double fraction, int width) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  @Override
  public void onJobFinished(String jobId, OtaResult result) {
    Duration took = Duration.ofNanos(System.nanoTime() - started.getOrDefault(jobId, System.nanoTime()));
    String kind = result.isRestarting() ? "restarting" : result.status().name().toLowerCase(Locale.ROOT);
    ObjectNode line = OutputOptions.Json.MAPPER.createObjectNode().put("event", kind).put("jobId", jobId)
        .put("bytes", bytes.getOrDefault(jobId, 0L)).put("seconds", Math.round(took.toMillis() / 100.0) / 10.0);
    if (result.error() != null) {
      line.put("reason", result.error().code().reason()).put("errorCode", result.error().code().code())
          .put("detail", result.error().getMessage());
    }
    line.set("statusDetails", OutputOptions.Json.MAPPER.valueToTree(result.statusDetails()));
    lastSucceeded = result.isSuccess() || result.isRestarting();
    if (terminal != null) {
      synchronized (terminal) {
        if (shown > 0) {
          terminal.out().print("\r" + " ".repeat(shown) + "\r");
          terminal.out().flush();
          shown = 0;
        }
      }
    }
    events.accept(line);
    onFinished.run();
  }

  static String size(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
