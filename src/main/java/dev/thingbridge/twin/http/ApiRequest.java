package dev.thingbridge.twin.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A control-plane request as a route sees it.
 *
 * @param method the HTTP method
 * @param path the raw path
 * @param pathParams named groups of the route's pattern, URL-decoded
 * @param query query parameters, URL-decoded (a repeated parameter keeps every value)
 * @param headers request headers, names lower-cased
 * @param body the raw body, empty when there is none
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> pathParams,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    byte[] body) {

  /** A path parameter that the route's pattern guarantees. */
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no path parameter " + name);
    }
    return v;
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body as UTF-8 text. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
