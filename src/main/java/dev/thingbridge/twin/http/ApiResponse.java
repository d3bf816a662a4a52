package dev.thingbridge.twin.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A control-plane response.
 *
 * @param status the HTTP status
 * @param contentType the body's content type
 * @param body the body bytes
 * @param headers extra response headers
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  /** 200 with a JSON body. */
  public static ApiResponse json(String json) {
    return json(200, json);
  }

  /** A JSON body with a status. */
  public static ApiResponse json(int status, String json) {
    return new ApiResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** Raw bytes (the shadow data plane returns the document as a blob). */
  public static ApiResponse bytes(int status, String contentType, byte[] body) {
    return new ApiResponse(status, contentType, body, Map.of());
  }
}
