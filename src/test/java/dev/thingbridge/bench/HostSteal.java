package dev.thingbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The share of the machine's CPU time its hypervisor gave to other guests ("steal" in /proc/stat) since the
 * last reading. On a shared VM it comes in bursts (0 to 35 % of both cores within a minute here), and a round
 * measured in a burst runs slower on both sides of a ratio, unevenly.
 */
final class HostSteal {
  private long steal;
  private long total;

  HostSteal() {
    percentSinceLast();
  }

  /** Percent of all CPU time stolen since the previous call (or construction); NaN if unreadable. */
  double percentSinceLast() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        all += Long.parseLong(f[i]);
      }
      long stolen = Long.parseLong(f[8]);
      double percent = all == total ? 0 : 100.0 * (stolen - steal) / (all - total);
      steal = stolen;
      total = all;
      return percent;
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
