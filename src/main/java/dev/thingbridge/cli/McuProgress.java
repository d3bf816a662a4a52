package dev.thingbridge.cli;

import dev.thingbridge.mcu.FlashListener;
import dev.thingbridge.mcu.FlashProgress;
import dev.thingbridge.mcu.FlashStep;
import java.io.PrintWriter;

/**
 * Shows a flash's progress on standard error: on a terminal a bar redrawn in place ({@code \r}) with the rate, and
 * a line per step; elsewhere a line per step, and only when asked for ({@code -v}).
 */
final class McuProgress implements FlashListener {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final boolean verbose;
  private FlashStep lastStep;
  private long uploadStart;
  private long lastDraw;
  private boolean barShown;

  McuProgress(PrintWriter err, boolean terminal, boolean verbose) {
    this.err = err;
    this.terminal = terminal;
    this.verbose = verbose;
  }

  @Override
  public void onProgress(FlashProgress p) {
    if (p.step() == FlashStep.UPLOADING && p.message() == null) {
      if (terminal) {
        bar(p);
      }
      return;
    }
    if (p.step() != lastStep || p.message() != null) {
      if (p.step() == FlashStep.UPLOADING) {
        uploadStart = System.nanoTime();
      }
      lastStep = p.step();
      if ((terminal || verbose) && p.step() != FlashStep.DONE) {
        endBar();
        err.println(p.step().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + (p.message() != null ? ": " + p.message() : ""));
        err.flush();
      }
    }
  }

  private void bar(FlashProgress p) {
    long now = System.nanoTime();
    if (now - lastDraw < 100_000_000L && p.bytesDone() < p.bytesTotal()) {
      return;
    }
    lastDraw = now;
    int filled = (int) Math.round(p.fraction() * WIDTH);
    double seconds = Math.max(1e-3, (now - uploadStart) / 1e9);
    double kibPerSecond = p.bytesDone() / 1024.0 / seconds;
    err.printf("\r[%s%s] %3.0f%% %d/%d bytes %.1f KiB/s", "#".repeat(filled), "-".repeat(WIDTH - filled),
        p.fraction() * 100, p.bytesDone(), p.bytesTotal(), kibPerSecond);
    err.flush();
    barShown = true;
  }

  private void endBar() {
    if (barShown) {
      err.println();
      barShown = false;
    }
  }
}
