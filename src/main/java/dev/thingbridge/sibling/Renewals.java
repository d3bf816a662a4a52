package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The leases this client holds (claims, watches, event subscriptions): each renewed every third of its lease, and
 * at once after a reconnect. The answer to each renewal goes to the lease's handler (on the dispatch thread):
 * a claim's answer lists the executions still waiting for this sibling, a watch's the current document.
 */
final class Renewals {
  private static final System.Logger LOG = System.getLogger(Renewals.class.getName());
  private static final long RETRY_MS = 2000;

  private final ThingBridgeClient client;
  private final ScheduledExecutorService timer;
  private final List<Lease> leases = new CopyOnWriteArrayList<>();

  Renewals(ThingBridgeClient client, ScheduledExecutorService timer) {
    this.client = client;
    this.timer = timer;
  }

  final class Lease implements Registration {
    private final String service;
    private final String operation;
    private final String release;
    private final ObjectNode body;
    private final Consumer<JsonNode> onAnswer;
    private final Object lock = new Object();
    private ScheduledFuture<?> next;
    private volatile boolean closed;
    /** The lease the component granted last; 0 before the first answer. */
    private volatile long leaseMillis;

    Lease(String service, String operation, String release, ObjectNode body, Consumer<JsonNode> onAnswer) {
      this.service = service;
      this.operation = operation;
      this.release = release;
      this.body = body.deepCopy();
      this.onAnswer = onAnswer;
    }

    CompletableFuture<JsonNode> renew() {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
      // A renewal lost on the way (say, published just before the component re-subscribed after a nucleus restart)
      // must be retried while the lease still runs: wait at most a third of the lease for its answer.
      long granted = leaseMillis;
      CompletableFuture<JsonNode> answer = granted == 0 ? client.call(service, operation, body)
          : client.call(service, operation, body,
              Duration.ofMillis(Math.min(client.requestTimeout().toMillis(), Math.max(1000, granted / 3))));
      answer.whenComplete((result, error) -> {
        if (closed) {
          return;
        }
        long delay;
        if (error == null) {
          client.connection().onDispatch(() -> onAnswer.accept(result));
          leaseMillis = result.path("leaseSeconds").asLong(60) * 1000;
          delay = Math.max(1000, leaseMillis / 3);
        } else {
          LOG.log(System.Logger.Level.INFO, "thingbridge sibling: renewing " + service + "/" + operation
              + " failed: " + error.getMessage());
          delay = granted == 0 ? RETRY_MS : Math.max(500, Math.min(RETRY_MS, granted / 6));
        }
        schedule(delay);
      });
      return answer;
    }

    private void schedule(long delayMillis) {
      synchronized (lock) {
        if (closed) {
          return;
        }
        if (next != null) {
          next.cancel(false);
        }
        try {
          next = timer.schedule(this::renew, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
          // the client is closing
        }
      }
    }

    void renewNow() {
      schedule(0);
    }

    CompletableFuture<JsonNode> releaseIn() {
      synchronized (lock) {
        closed = true;
        if (next != null) {
          next.cancel(false);
        }
      }
      leases.remove(this);
      return client.call(service, release, body);
    }

    @Override
    public void close() {
      if (!closed) {
        releaseIn();
      }
    }
  }

  /**
   * Takes a lease: completes with its registration once the component granted it (the first answer went to
   * {@code onAnswer} already), or fails with the component's refusal (CONFLICT, ...).
   */
  CompletableFuture<Registration> take(String service, String operation, String release, ObjectNode body,
      Consumer<JsonNode> onAnswer) {
    Lease lease = new Lease(service, operation, release, body, onAnswer);
    leases.add(lease);
    return lease.renew().handle((result, error) -> {
      if (error != null) {
        lease.closed = true;
        leases.remove(lease);
        throw error instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(error);
      }
      return (Registration) lease;
    });
  }

  void renewAllNow() {
    leases.forEach(Lease::renewNow);
  }

  void releaseAll(Duration wait) {
    CompletableFuture<?>[] released = leases.stream().map(Lease::releaseIn).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(released).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // best effort: the leases lapse by themselves
    }
  }
}
