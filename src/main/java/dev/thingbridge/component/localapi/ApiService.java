package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One service of the local API ({@code shadow}, {@code jobs}, ...): the operations it answers. Small adapters
 * over the agents the component hosts.
 */
public interface ApiService {
  /** The service name, the third topic level. */
  String name();

  /** The operations it answers, the fourth topic level. */
  Set<String> operations();

  /**
   * Answers one call. The result becomes the response's {@code result}; a failed future (or a thrown
   * exception) its {@code error}, {@link ApiException}s with their own code.
   */
  CompletableFuture<JsonNode> handle(ApiCall call);
}
