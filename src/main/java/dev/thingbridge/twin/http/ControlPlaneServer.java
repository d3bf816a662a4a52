package dev.thingbridge.twin.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.thingbridge.internal.NamedThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin's control plane: JSON over HTTP with the paths, methods and shapes of the AWS REST APIs it
 * imitates (iot, iot-data, iot-jobs-data), so that the AWS SDKs and the AWS CLI work against it with an
 * endpoint override and dummy credentials. Request signatures are accepted and not checked.
 *
 * <p>Errors carry {@code x-amzn-ErrorType} and a {@code {"message": ...}} body, the way AWS's restJson
 * protocol reports them. Threads: the server's dispatcher, which handles a call itself when no other is under
 * way ({@link CallerRunsWhenIdle}), and {@code thingbridge-twin-http-N} ({@value #HANDLER_THREADS}).
 */
public final class ControlPlaneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneServer.class);
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
  private static final String NO_DELAY = "sun.net.httpserver.nodelay";
  /**
   * A handler spends most of its time waiting for its change to be durable; with more of them waiting at
   * once, more calls share one commit (CreateJob with 16 callers: +15 to 35 % over two threads in
   * TwinStateBench, 2 shared cores).
   */
  private static final int HANDLER_THREADS = 8;

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<CompiledRoute> routes;
  private final ObjectMapper json = new ObjectMapper();

  private ControlPlaneServer(HttpServer server, ExecutorService executor, List<CompiledRoute> routes) {
    this.server = server;
    this.executor = executor;
    this.routes = routes;
  }

  /**
   * Starts a server on {@code address:port} (port 0 picks a free one).
   *
   * @throws IOException if the port cannot be bound
   */
  public static ControlPlaneServer start(InetAddress address, int port, List<Route> routes) throws IOException {
    // The JDK's server leaves Nagle on unless told otherwise, and every small response then waits ~40 ms for
    // the client's delayed ACK: read once, when the server classes load, so set before the first server.
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
    List<CompiledRoute> compiled = new ArrayList<>();
    for (Route r : routes) {
      List<String> names = new ArrayList<>();
      Matcher m = GROUP_NAME.matcher(r.path().pattern());
      while (m.find()) {
        names.add(m.group(1));
      }
      compiled.add(new CompiledRoute(r, names));
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
    ExecutorService executor = Executors.newFixedThreadPool(HANDLER_THREADS,
        new NamedThreadFactory("thingbridge-twin-http", true));
    ControlPlaneServer cps = new ControlPlaneServer(server, executor, List.copyOf(compiled));
    server.createContext("/", cps::serve);
    server.setExecutor(new CallerRunsWhenIdle(executor));
    server.start();
    log.info("twin control plane listening on http://{}:{}", address.getHostAddress(), cps.port());
    return cps;
  }

  /** Starts on the loopback address. */
  public static ControlPlaneServer startOnLoopback(int port, List<Route> routes) throws IOException {
    return start(InetAddress.getLoopbackAddress(), port, routes);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8443}, for SDK endpoint overrides. */
  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + port());
  }

  /**
   * Serves every path under {@code pathPrefix} with {@code handler} instead of the routes: for a response
   * that outlives the request, such as an event stream, which a route's one-shot {@link ApiResponse} cannot
   * be. The handler runs on the server's dispatcher or handler threads, so it must hand long work to threads
   * of its own and return.
   */
  public void mount(String pathPrefix, HttpHandler handler) {
    server.createContext(pathPrefix, handler);
  }

  private void serve(HttpExchange exchange) {
    try (exchange) {
      ApiResponse response;
      String operation = "unknown";
      try {
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        CompiledRoute match = null;
        Matcher matcher = null;
        for (CompiledRoute r : routes) {
          if (!r.route().method().equals(method)) {
            continue;
          }
          Matcher m = r.route().path().matcher(rawPath);
          if (m.matches()) {
            match = r;
            matcher = m;
            break;
          }
        }
        if (match == null) {
          throw new AwsApiException(404, "UnknownOperationException",
              "no operation for " + method + " " + rawPath);
        }
        operation = match.route().operation();
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : match.groupNames()) {
          String value = matcher.group(name);
          if (value != null) {
            params.put(name, URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
          }
        }
        ApiRequest request = new ApiRequest(method, rawPath, params, parseQuery(uri.getRawQuery()),
            headers(exchange), readBody(exchange.getRequestBody()));
        response = match.route().handler().handle(request);
      } catch (AwsApiException e) {
        response = error(e.status(), e.type(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn("twin control plane: {} failed: {}", operation, e.toString(), e);
        response = error(500, "InternalFailureException", "internal error: " + e.getMessage());
      }
      write(exchange, response);
    } catch (IOException e) {
      log.debug("twin control plane: client went away: {}", e.toString());
    }
  }

  private ApiResponse error(int status, String type, String message) {
    ObjectNode body = json.createObjectNode();
    body.put("message", message);
    body.put("__type", type);
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      bytes = new byte[0];
    }
    return new ApiResponse(status, "application/json", bytes, Map.of("x-amzn-ErrorType", type));
  }

  private static void write(HttpExchange exchange, ApiResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    byte[] body = response.body();
    if (body.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new AwsApiException(413, "RequestEntityTooLargeException", "request body over 16 MiB");
    }
    return body;
  }

  private static Map<String, List<String>> headers(HttpExchange exchange) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    return out;
  }

  static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  /** Stops accepting requests and ends the threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record CompiledRoute(Route route, List<String> groupNames) {}
}
