package dev.thingbridge.bench;

import java.time.Duration;

/**
 * Jobs cycles of the twin and of the echo responder, measured in alternating batches with the same client
 * code, so that both see the same moments of a shared machine: batch pairs run echo-then-twin and
 * twin-then-echo in turn (whichever goes first after a pause wakes the idle cores), and each pair starts after
 * the twin's queue is refilled over HTTP (untimed) and the same pause, within which the twin's applier takes
 * most of what the refill wrote (its rounds come every 20 ms).
 */
final class PairedJobCycles {
  /** Fills the twin's queue before a batch of {@code cycles}. */
  interface Refill {
    void before(int cycles) throws Exception;
  }

  /** Cycles per second of each side and the twin process's CPU per cycle over its own batches. */
  record Result(double twinPerSecond, double echoPerSecond, double twinCpuMicrosPerCycle) {
    double ratio() {
      return twinPerSecond / echoPerSecond;
    }
  }

  private final JobCycles twin;
  private final JobCycles echo;
  private final long twinPid;
  private final int batch;
  private final Duration settle;

  PairedJobCycles(JobCycles twin, long twinPid, JobCycles echo, int batch, Duration settle) {
    this.twin = twin;
    this.twinPid = twinPid;
    this.echo = echo;
    this.batch = batch;
    this.settle = settle;
  }

  /** Runs {@code cycles} cycles on each side. */
  Result run(int cycles, Refill refill) throws Exception {
    long twinNanos = 0;
    long echoNanos = 0;
    double twinCpu = 0;
    for (int done = 0, pair = 0; done < cycles; done += batch, pair++) {
      int n = Math.min(batch, cycles - done);
      refill.before(n);
      Thread.sleep(settle.toMillis());
      if (pair % 2 == 0) {
        echoNanos += echo.run(n);
      }
      double cpu = ClosedLoop.cpuSeconds(twinPid);
      twinNanos += twin.run(n);
      twinCpu += ClosedLoop.cpuSeconds(twinPid) - cpu;
      if (pair % 2 == 1) {
        echoNanos += echo.run(n);
      }
    }
    return new Result(cycles / (twinNanos / 1e9), cycles / (echoNanos / 1e9), twinCpu * 1e6 / cycles);
  }
}
