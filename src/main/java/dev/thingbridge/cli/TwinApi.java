package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The twin's AWS-shaped HTTP API as the CLI calls it: JSON in, JSON out, AWS errors turned into a {@link
 * TwinApi.Failure} that names the error type. Requests are not signed (the twin does not check signatures).
 */
final class TwinApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An error answer of the API: its {@code x-amzn-ErrorType} and message. */
  static final class Failure extends Exception {
    final int status;
    final String type;

    Failure(int status, String type, String message) {
      super(type + ": " + message);
      this.status = status;
      this.type = type;
    }
  }

  /** The API could not be reached. */
  static final class Unreachable extends Exception {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  TwinApi(URI base) {
    this.base = base;
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) throws Failure, Unreachable, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  JsonNode post(String path, JsonNode body) throws Failure, Unreachable, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private JsonNode send(HttpRequest.Builder b) throws Failure, Unreachable, InterruptedException {
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new Unreachable("cannot reach the twin's API at " + base + " (is `thingbridge twin` or `local` running?)", e);
    } catch (IOException e) {
      throw new Unreachable("the twin's API at " + base + " failed: " + e.getMessage(), e);
    }
    JsonNode body;
    try {
      body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new Failure(r.statusCode(), "InvalidResponse", "the API answered something that is not JSON");
    }
    if (r.statusCode() >= 300) {
      String type = r.headers().firstValue("x-amzn-ErrorType").orElse("HTTP " + r.statusCode());
      throw new Failure(r.statusCode(), type, body.path("message").asText(""));
    }
    return body;
  }
}
