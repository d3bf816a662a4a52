package dev.thingbridge.cli;

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

/**
 * What {@code ota run} prints: one JSON line per update when it ends ({@code succeeded}, {@code failed}, {@code
 * rejected}, {@code canceled} or {@code restarting}, with its bytes, time and reason), and, when standard error is a
 * terminal, a progress bar there (percent, bytes, rate, time left) redrawn in place.
 */
final class OtaProgressPrinter implements OtaListener {
  private static final int BAR = 24;

  private final OutputOptions output;
  private final PrintWriter bar;
  private final Runnable onFinished;
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> bytes = new ConcurrentHashMap<>();
  private volatile boolean lastSucceeded = true;

  /**
   * @param bar where the progress bar goes (a terminal), or null for none
   */
  OtaProgressPrinter(OutputOptions output, PrintWriter bar, Runnable onFinished) {
    this.output = output;
    this.bar = bar;
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
    if (bar == null) {
      return;
    }
    int filled = (int) Math.round(p.fraction() * BAR);
    String left = p.timeLeft().map(OtaProgressPrinter::clock).orElse("--:--");
    String line = String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %s/%s %s/s %s left   ", p.jobId(), "#".repeat(filled),
        ".".repeat(BAR - filled), Math.round(p.fraction() * 100), size(p.bytesReceived()), size(p.bytesTotal()),
        size((long) p.bytesPerSecond()), left);
    synchronized (bar) {
      bar.print(line);
      bar.flush();
    }
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
    if (bar != null) {
      synchronized (bar) {
        bar.print("\r" + " ".repeat(100) + "\r");
        bar.flush();
      }
    }
    output.event(line);
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
