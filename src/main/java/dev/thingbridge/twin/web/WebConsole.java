package dev.thingbridge.twin.web;

import com.sun.net.httpserver.HttpExchange;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.ControlPlaneServer;
import dev.thingbridge.twin.http.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin's web console: a page at {@code /} of the control plane's HTTP server that shows things, shadows
 * (document and pending delta), jobs and their executions, commands and OTA progress, kept up to date by
 * server-sent events from {@code /console/events}. The page is plain HTML, JavaScript and CSS served from the
 * jar (nothing from the network); it writes only through the control plane's own AWS-shaped routes
 * (UpdateThingShadow, CreateJob), like any other client.
 *
 * <p>Live updates come from the twin's commits ({@link Twin#addChangeListener}); see {@link ConsoleFeed} and
 * {@link SseClient} for why neither a slow page nor many of them slow the twin down.
 */
public final class WebConsole implements AutoCloseable {
  /** Where the event stream is served. */
  public static final String EVENTS_PATH = "/console/events";
  private static final Logger log = LoggerFactory.getLogger(WebConsole.class);
  private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
  private static final String RESOURCES = "/dev/thingbridge/twin/web/";
  /**
   * The page runs only its own script and style and talks only to its own origin, so even a value that got
   * past the page's escaping could not run or load anything.
   */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Twin twin;
  private final SseHub hub;
  private final ConsoleFeed feed;
  private final List<Route> routes;

  private WebConsole(Twin twin, SseSettings settings) {
    this.twin = twin;
    this.hub = new SseHub(settings);
    this.feed = new ConsoleFeed(new TwinView(twin), hub);
    this.routes = List.of(
        page("ConsoleIndex", "/", "index.html", "text/html; charset=utf-8"),
        page("ConsoleScript", "/console/app\\.js", "app.js", "text/javascript; charset=utf-8"),
        page("ConsoleStyle", "/console/app\\.css", "app.css", "text/css; charset=utf-8"),
        Route.of("ConsoleIcon", "GET", "/favicon\\.ico", r -> ApiResponse.bytes(204, "image/x-icon", new byte[0])));
  }

  /** A console over this twin with the default limits; {@link #mount} it on the twin's HTTP server. */
  public static WebConsole create(Twin twin) {
    return new WebConsole(twin, SseSettings.DEFAULT);
  }

  static WebConsole create(Twin twin, SseSettings settings) {
    return new WebConsole(twin, settings);
  }

  /** The routes of the page and its files, to serve beside the control plane's. */
  public List<Route> routes() {
    return routes;
  }

  /** Serves the event stream on {@code server} and starts following the twin's commits. */
  public void mount(ControlPlaneServer server) {
    feed.start();
    twin.addChangeListener(feed);
    server.mount(EVENTS_PATH, this::serveEvents);
  }

  /** Event streams open now. */
  public int clientCount() {
    return hub.clientCount();
  }

  private void serveEvents(HttpExchange exchange) {
    try {
      if (!exchange.getRequestMethod().equalsIgnoreCase("GET")
          || !exchange.getRequestURI().getPath().equals(EVENTS_PATH)) {
        plain(exchange, 404, "no such resource");
        return;
      }
      exchange.getRequestBody().close();
      if (!hub.hasRoom()) {
        exchange.getResponseHeaders().set("Retry-After", "5");
        plain(exchange, 503, "too many open consoles (" + hub.settings().maxClients() + ")");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.sendResponseHeaders(200, 0);
      Optional<SseClient> opened = hub.open(new ExchangeSink(exchange));
      if (opened.isEmpty()) {
        // Another page took the last place meanwhile: the browser reconnects after its retry delay.
        exchange.close();
        return;
      }
      // The first bytes tell the browser to reconnect quickly; the snapshot follows from the feed's thread.
      opened.get().offer(RETRY);
      feed.join(opened.get());
    } catch (IOException e) {
      log.debug("twin web console: event stream not opened: {}", e.toString());
      exchange.close();
    }
  }

  private static void plain(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Route page(String operation, String path, String resource, String contentType) {
    byte[] body = load(resource);
    Map<String, String> headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff",
        "Content-Security-Policy", CSP, "Referrer-Policy", "no-referrer");
    ApiResponse response = new ApiResponse(200, contentType, body, headers);
    return Route.of(operation, "GET", path, r -> response);
  }

  private static byte[] load(String name) {
    try (InputStream in = WebConsole.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the web console's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops following the twin and ends every open stream. */
  @Override
  public void close() {
    twin.removeChangeListener(feed);
    feed.close();
    hub.close();
  }

  /** An open response whose body is the stream; written by the client's writer thread only. */
  private static final class ExchangeSink implements EventSink {
    private final HttpExchange exchange;

    ExchangeSink(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
      OutputStream out = exchange.getResponseBody();
      out.write(bytes);
      out.flush();
    }

    @Override
    public void close() {
      try {
        exchange.close();
      } catch (RuntimeException e) {
        log.debug("twin web console: closing an event stream: {}", e.toString());
      }
    }
  }
}
