package dev.thingbridge.shadows.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a device's shadow requests within what AWS IoT accepts: at most {@code maxInFlight} requests waiting for
 * a reply (AWS answers 429 beyond 10 in flight per connection) and at most {@code ratePerSecond} started per
 * second, in bursts of up to {@code burst} (AWS throttles shadow requests per thing). Urgent requests
 * (acknowledgements, the application's own calls) go before background ones (resynchronisation GETs), so a
 * resync of a thousand shadows never delays a delta's acknowledgement by more than the requests in flight.
 *
 * <p>Thread-safe. Requests start on the submitting thread or on the scheduler's thread.
 */
public final class RequestPacer {
  /** Which queue a request waits in. */
  public enum Priority { URGENT, BACKGROUND }

  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;
  private final double ratePerNano;
  private final double burst;
  private final int maxInFlight;

  private final Object lock = new Object();
  private final ArrayDeque<Task<?>> urgent = new ArrayDeque<>();
  private final ArrayDeque<Task<?>> background = new ArrayDeque<>();
  private double tokens;
  private long refilledAt;
  private int inFlight;
  private boolean wakeUpScheduled;
  private boolean closed;

  private static final class Task<T> {
    final Supplier<CompletableFuture<T>> start;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Task(Supplier<CompletableFuture<T>> start) {
      this.start = start;
    }
  }

  /**
   * @param scheduler runs the deferred starts when the rate limit holds requests back
   * @param nanoClock {@link System#nanoTime()} outside tests
   */
  public RequestPacer(ScheduledExecutorService scheduler, LongSupplier nanoClock, double ratePerSecond, int burst,
      int maxInFlight) {
    if (!(ratePerSecond > 0) || burst < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("rate, burst and in-flight limit must be positive");
    }
    this.scheduler = scheduler;
    this.nanoClock = nanoClock;
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.maxInFlight = maxInFlight;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
  }

  /**
   * Queues a request; {@code start} is called once a slot and a token are free and returns the request's
   * future. The returned future completes as that one does, or fails with {@code closed}'s error if the pacer
   * is closed first.
   */
  public <T> CompletableFuture<T> submit(Priority priority, Supplier<CompletableFuture<T>> start) {
    Task<T> task = new Task<>(start);
    synchronized (lock) {
      if (closed) {
        task.result.completeExceptionally(new RejectedExecutionException("the request pacer is closed"));
        return task.result;
      }
      (priority == Priority.URGENT ? urgent : background).add(task);
    }
    pump();
    return task.result;
  }

  /** Starts every queued request the limits allow now, and schedules a wake-up for the rest. */
  public void pump() {
    while (true) {
      Task<?> next;
      synchronized (lock) {
        if (closed || inFlight >= maxInFlight || (urgent.isEmpty() && background.isEmpty())) {
          return;
        }
        refill();
        if (tokens < 1) {
          scheduleWakeUp((long) Math.ceil((1 - tokens) / ratePerNano));
          return;
        }
        tokens -= 1;
        inFlight++;
        next = urgent.isEmpty() ? background.poll() : urgent.poll();
      }
      start(next);
    }
  }

  private <T> void start(Task<T> task) {
    CompletableFuture<T> running;
    try {
      running = task.start.get();
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
    running.whenComplete((value, error) -> {
      synchronized (lock) {
        inFlight--;
      }
      if (error != null) {
        task.result.completeExceptionally(error);
      } else {
        task.result.complete(value);
      }
      // Through the scheduler, not inline: a request failing synchronously must not recurse into the next.
      if (queued() > 0) {
        try {
          scheduler.execute(this::pump);
        } catch (RejectedExecutionException e) {
          // shut down: nothing more will start
        }
      }
    });
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
    refilledAt = now;
  }

  private void scheduleWakeUp(long delayNanos) {
    if (wakeUpScheduled) {
      return;
    }
    wakeUpScheduled = true;
    try {
      scheduler.schedule(() -> {
        synchronized (lock) {
          wakeUpScheduled = false;
        }
        pump();
      }, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      wakeUpScheduled = false;
    }
  }

  /** Requests waiting for a slot or a token. */
  public int queued() {
    synchronized (lock) {
      return urgent.size() + background.size();
    }
  }

  /** Requests started and not yet answered. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** Fails every queued request with {@code error}; later submissions fail at once. Started ones run on. */
  public void close(RuntimeException error) {
    List<Task<?>> dropped;
    synchronized (lock) {
      closed = true;
      dropped = new ArrayList<>(urgent);
      dropped.addAll(background);
      urgent.clear();
      background.clear();
    }
    for (Task<?> t : dropped) {
      t.result.completeExceptionally(error);
    }
  }
}
