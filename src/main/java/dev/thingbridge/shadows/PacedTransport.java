package dev.thingbridge.shadows;

import dev.thingbridge.internal.Backoff;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.shadows.internal.RequestPacer;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One managed shadow's requests, for the shadow manager: through a {@link ShadowClient} whose reply subscriptions
 * all the manager's shadows share, paced by the manager's {@link RequestPacer}, and a throttled request (429)
 * retried after a jittered back-off.
 */
final class PacedTransport implements SessionTransport {
  /** Attempts of a request the service throttles (429) before the 429 is returned. */
  static final int THROTTLE_ATTEMPTS = 4;

  private final ShadowClient client;
  private final RequestPacer pacer;
  private final ScheduledExecutorService scheduler;

  PacedTransport(ShadowClient client, RequestPacer pacer, ScheduledExecutorService scheduler) {
    this.client = client;
    this.pacer = pacer;
    this.scheduler = scheduler;
  }

  @Override
  public String newClientToken() {
    return client.newClientToken();
  }

  @Override
  public CompletableFuture<ShadowDocument> get(String clientToken, Priority priority) {
    return paced(priority, () -> client.get(clientToken));
  }

  @Override
  public CompletableFuture<ShadowDocument> update(ShadowUpdateRequest request, Priority priority) {
    return paced(priority, () -> client.update(request));
  }

  @Override
  public CompletableFuture<ShadowDocument> acknowledge(ShadowUpdateRequest request) {
    return paced(Priority.URGENT, () -> client.update(request));
  }

  @Override
  public CompletableFuture<ShadowDeleted> delete(String clientToken, Priority priority) {
    return paced(priority, () -> client.delete(clientToken));
  }

  private <T> CompletableFuture<T> paced(Priority priority, Supplier<CompletableFuture<T>> send) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(priority, send, 1, result);
    return result;
  }

  private <T> void attempt(Priority priority, Supplier<CompletableFuture<T>> send, int attempt,
      CompletableFuture<T> result) {
    pacer.submit(priority, send).whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable cause = Futures.unwrap(error);
      if (ShadowSession.is(cause, ShadowErrorCode.TOO_MANY_REQUESTS) && attempt < THROTTLE_ATTEMPTS) {
        long delay = Backoff.THROTTLED.jittered(attempt).toMillis();
        try {
          scheduler.schedule(() -> attempt(priority, send, attempt + 1, result), delay, TimeUnit.MILLISECONDS);
          return;
        } catch (RejectedExecutionException closed) {
          // shutting down: report the 429
        }
      }
      result.completeExceptionally(cause);
    });
  }
}
