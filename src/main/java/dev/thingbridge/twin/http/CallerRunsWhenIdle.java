package dev.thingbridge.twin.http;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's executor: runs an exchange on the server's dispatcher thread when no other exchange is
 * being handled and the dispatcher did not just finish one (then it is working through a backlog), and hands
 * it to the handler threads otherwise. One caller at a time (a CLI, a test, an SDK client in a loop) so
 * saves two thread wake-ups per call, the dispatcher's hand-off and its wake-up to take the connection back;
 * concurrent callers are still served in parallel, and their commits grouped.
 */
final class CallerRunsWhenIdle implements Executor {
  /** An exchange this soon after the end of one run on the dispatcher came in the same burst. */
  private static final long BACKLOG_GAP_NANOS = 30_000;

  private final ExecutorService handlers;
  private final AtomicInteger active = new AtomicInteger();
  private volatile long lastHereEnd = System.nanoTime() - BACKLOG_GAP_NANOS;

  CallerRunsWhenIdle(ExecutorService handlers) {
    this.handlers = handlers;
  }

  @Override
  public void execute(Runnable exchange) {
    if (active.get() == 0 && System.nanoTime() - lastHereEnd >= BACKLOG_GAP_NANOS) {
      active.incrementAndGet();
      try {
        exchange.run();
      } finally {
        active.decrementAndGet();
        lastHereEnd = System.nanoTime();
      }
      return;
    }
    active.incrementAndGet();
    try {
      handlers.execute(() -> {
        try {
          exchange.run();
        } finally {
          active.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException closing) {
      active.decrementAndGet();
      throw closing;
    }
  }
}
