package dev.thingbridge.shadows;

import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.util.concurrent.CompletableFuture;

/**
 * How a {@link ShadowSession} reaches its shadow: the three requests, each failing with
 * {@link dev.thingbridge.shadows.ShadowException} on a rejection. The single-shadow agent sends straight through a
 * {@link ShadowClient}; the manager paces and retries throttled requests ({@link PacedTransport}).
 */
interface SessionTransport {
  /** A fresh clientToken; the session records those of its updates and deletes, whose echoes come back. */
  String newClientToken();

  CompletableFuture<ShadowDocument> get(String clientToken, Priority priority);

  CompletableFuture<ShadowDocument> update(ShadowUpdateRequest request, Priority priority);

  /** The acknowledgement of an applied delta: urgent, and waited for as long as acknowledgements are. */
  CompletableFuture<ShadowDocument> acknowledge(ShadowUpdateRequest request);

  CompletableFuture<ShadowDeleted> delete(String clientToken, Priority priority);

  /** Straight through {@code client}, acknowledgements through {@code ackClient} (its own timeout). */
  static SessionTransport direct(ShadowClient client, ShadowClient ackClient) {
    return new SessionTransport() {
      @Override
      public String newClientToken() {
        return client.newClientToken();
      }

      @Override
      public CompletableFuture<ShadowDocument> get(String clientToken, Priority priority) {
        return client.get(clientToken);
      }

      @Override
      public CompletableFuture<ShadowDocument> update(ShadowUpdateRequest request, Priority priority) {
        return client.update(request);
      }

      @Override
      public CompletableFuture<ShadowDocument> acknowledge(ShadowUpdateRequest request) {
        return ackClient.update(request);
      }

      @Override
      public CompletableFuture<ShadowDeleted> delete(String clientToken, Priority priority) {
        return client.delete(clientToken);
      }
    };
  }
}
