package dev.thingbridge.testing;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves threads running: any non-daemon thread, and any {@code thingbridge-*}
 * thread (daemon or not, since every thread thingbridge starts must be owned and shut down), started
 * while the class ran and still alive after it. Threads get {@link #GRACE} to finish, because executors
 * shut down asynchronously. JUnit's own lazily started threads ({@code junit-jupiter-timeout-watcher})
 * are not the test's doing and are ignored.
 *
 * <p>Registered for every test class through {@code META-INF/services} and JUnit's extension
 * auto-detection ({@code junit-platform.properties}); test classes run one after another in a fork, so the
 * snapshot taken before a class holds exactly the threads that class did not start.
 */
public final class NoLeakedThreads implements BeforeAllCallback, AfterAllCallback {
  /** How long threads may take to end after the last test of a class. */
  public static final Duration GRACE = Duration.ofSeconds(5);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLeakedThreads.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put(context.getUniqueId(), Set.copyOf(Thread.getAllStackTraces().keySet()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterAll(ExtensionContext context) throws InterruptedException {
    Set<Thread> before = context.getStore(NAMESPACE).remove(context.getUniqueId(), Set.class);
    if (before == null) {
      return;
    }
    List<Thread> leaked = leakedSince(before, GRACE);
    if (!leaked.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName()
              + " left "
              + leaked.size()
              + " thread(s) running after "
              + GRACE.toSeconds()
              + " s: "
              + leaked.stream().map(NoLeakedThreads::describe).collect(Collectors.joining(", ")));
    }
  }

  /**
   * The suspect threads that were not in {@code before} and are still alive after waiting up to
   * {@code grace} for them to end.
   */
  public static List<Thread> leakedSince(Set<Thread> before, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      List<Thread> suspects =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t) && t != Thread.currentThread() && t.isAlive())
              .filter(t -> !t.isDaemon() || t.getName().startsWith("thingbridge-"))
              .filter(t -> !t.getName().startsWith("junit-jupiter-"))
              .sorted(Comparator.comparing(Thread::getName))
              .toList();
      long left = deadline - System.nanoTime();
      if (suspects.isEmpty() || left <= 0) {
        return suspects;
      }
      suspects.get(0).join(Math.max(1, Math.min(50, left / 1_000_000)));
    }
  }

  private static String describe(Thread t) {
    return "'" + t.getName() + "'" + (t.isDaemon() ? " (daemon)" : "") + " in " + t.getState();
  }
}
