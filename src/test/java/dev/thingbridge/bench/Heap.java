package dev.thingbridge.bench;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;

/** Heap measurements for the benchmarks: the used heap after a garbage collection is known to have run. */
final class Heap {
  private Heap() {}

  /** The least heap in use over three collections, each confirmed by a cleared weak reference. */
  static long used() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      collect();
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static void collect() {
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
      System.gc();
      return sentinel.get() == null;
    });
  }
}
