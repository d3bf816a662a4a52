package dev.thingbridge.cli;

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
 * What {@code ota run} prints: on a terminal, a progress bar redrawn in place (percent, bytes, rate, time left),
 * then one line per update; elsewhere (a log, a pipe), only that one line per update.
 */
final class OtaProgressPrinter implements OtaListener {
  private static final int BAR = 24;

  private final PrintWriter out;
  private final boolean terminal;
  private final Runnable onFinished;
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> bytes = new ConcurrentHashMap<>();
  private volatile boolean lastSucceeded = true;

  OtaProgressPrinter(PrintWriter out, boolean terminal, Runnable onFinished) {
    this.out = out;
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
    if (!terminal) {
      return;
    }
    int filled = (int) Math.round(p.fraction() * BAR);
    String left = p.timeLeft().map(OtaProgressPrinter::clock).orElse("--:--");
    String line = String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %s/%s %s/s %s left", p.jobId(), "#".repeat(filled),
        ".".repeat(BAR - filled), Math.round(p.fraction() * 100), size(p.bytesReceived()), size(p.bytesTotal()),
        size((long) p.bytesPerSecond()), left);
    synchronized (out) {
      out.print(line + "   ");
      out.flush();
    }
  }

  @Override
  public void onJobFinished(String jobId, OtaResult result) {
    long t0 = started.getOrDefault(jobId, System.nanoTime());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    long total = bytes.getOrDefault(jobId, 0L);
    StringBuilder line = new StringBuilder(jobId).append(' ');
    if (result.isRestarting()) {
      line.append("installed; restarting into the new firmware");
    } else {
      line.append(result.status());
      if (result.error() != null) {
        line.append(' ').append(result.error().code().reason()).append(": ").append(result.error().getMessage());
      } else {
        line.append(String.format(Locale.ROOT, ": %s in %.1f s", size(total), took.toMillis() / 1000.0));
      }
    }
    lastSucceeded = result.isSuccess() || result.isRestarting();
    synchronized (out) {
      if (terminal) {
        out.print("\r" + " ".repeat(100) + "\r");
      }
      out.println(line);
      out.flush();
    }
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
