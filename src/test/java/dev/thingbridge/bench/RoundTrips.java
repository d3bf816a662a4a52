package dev.thingbridge.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Request/response timing shared by the local API benchmarks: a warm-up, calls one at a time (rate, p50, p99), then
 * the same number with a window in flight (rate), and the medians and ratios of alternating rounds.
 */
final class RoundTrips {
  static final int WARMUP = 300;
  static final int CALLS = 2000;
  static final int IN_FLIGHT = 8;
  static final int ROUNDS = 3;

  /** One measurement: calls/s one at a time, its p50 and p99 in ms, and calls/s with {@link #IN_FLIGHT} out. */
  record Result(double perSec, double p50Ms, double p99Ms, double concurrentPerSec) {}

  private RoundTrips() {}

  /** The header of the table {@link #print} fills. */
  static void header(int width) {
    System.out.printf("%-" + width + "s %10s %9s %9s %14s%n", "round trip", "calls/s", "p50 ms", "p99 ms",
        IN_FLIGHT + " in flight/s");
  }

  static void print(int width, String what, Result r) {
    System.out.printf("%-" + width + "s %10.0f %9.2f %9.2f %14.0f%n", what, r.perSec, r.p50Ms, r.p99Ms,
        r.concurrentPerSec);
  }

  /** Prints both medians and the ratio subject / baseline of each column. */
  static void summary(int width, String baseline, List<Result> bases, String subject, List<Result> subjects) {
    Result base = median(bases);
    Result sub = median(subjects);
    print(width, baseline + ", median of " + bases.size(), base);
    print(width, subject + ", median of " + subjects.size(), sub);
    System.out.printf("%-" + width + "s %9.2fx %8.2fx %8.2fx %13.2fx%n", "ratio " + subject + " / baseline",
        sub.perSec / base.perSec, sub.p50Ms / base.p50Ms, sub.p99Ms / base.p99Ms,
        sub.concurrentPerSec / base.concurrentPerSec);
  }

  static Result median(List<Result> rs) {
    return new Result(median(rs, Result::perSec), median(rs, Result::p50Ms), median(rs, Result::p99Ms),
        median(rs, Result::concurrentPerSec));
  }

  private static double median(List<Result> rs, ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return v[v.length / 2];
  }

  /** Times {@code call} after {@code warmup} untimed calls; each call must end within 10 s. */
  static Result measure(Supplier<CompletableFuture<?>> call, int warmup) throws Exception {
    for (int i = 0; i < warmup; i++) {
      call.get().get(10, TimeUnit.SECONDS);
    }
    long[] rtt = new long[CALLS];
    long start = System.nanoTime();
    for (int i = 0; i < CALLS; i++) {
      long t0 = System.nanoTime();
      call.get().get(10, TimeUnit.SECONDS);
      rtt[i] = System.nanoTime() - t0;
    }
    double secs = (System.nanoTime() - start) / 1e9;
    Arrays.sort(rtt);
    long concurrentStart = System.nanoTime();
    List<CompletableFuture<?>> window = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      window.add(call.get());
      if (window.size() == IN_FLIGHT) {
        window.remove(0).get(10, TimeUnit.SECONDS);
      }
    }
    for (CompletableFuture<?> f : window) {
      f.get(10, TimeUnit.SECONDS);
    }
    double concurrentSecs = (System.nanoTime() - concurrentStart) / 1e9;
    return new Result(CALLS / secs, rtt[CALLS / 2] / 1e6, rtt[CALLS * 99 / 100] / 1e6, CALLS / concurrentSecs);
  }
}
