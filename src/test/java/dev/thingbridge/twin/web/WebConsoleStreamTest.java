package dev.thingbridge.twin.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console over real HTTP on a free loopback port: the page and its security headers, the event stream's
 * snapshot and live events as a browser's EventSource reads them, and the stream's clean-up when the browser
 * goes away.
 */
class WebConsoleStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final LocalBroker broker = new LocalBroker();
  private MqttClient twinClient;
  private TwinServer twin;
  private WebConsole console;

  @BeforeEach
  void start() throws Exception {
    twinClient = broker.connect("thingbridge-twin");
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    console = twin.console().orElseThrow();
    twin.twin().service(ThingsService.class).createThing("t1");
  }

  @AfterEach
  void stop() {
    twin.close();
    twinClient.close();
  }

  private void update(String desired) {
    twin.twin().service(ShadowsService.class).update("t1", null,
        ("{\"state\":{\"desired\":" + desired + "}}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void the_page_is_served_with_a_policy_that_runs_only_its_own_script() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI base = twin.controlPlane().orElseThrow().endpoint();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .contains("script-src 'self'").doesNotContain("unsafe-inline");
    assertThat(page.body()).contains("<script src=\"/console/app.js\" defer></script>").doesNotContain("http://",
        "https://");
    HttpResponse<String> script = http.send(HttpRequest.newBuilder(base.resolve("/console/app.js")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("new EventSource('/console/events')").doesNotContain("innerHTML");
    // The AWS API is still there beside it.
    assertThat(http.send(HttpRequest.newBuilder(base.resolve("/things/t1")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).contains("\"thingName\":\"t1\"");
  }

  @Test
  void a_stream_starts_with_a_snapshot_then_carries_each_change_and_is_cleaned_up_when_the_browser_leaves()
      throws Exception {
    update("{\"led\":\"on\"}");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), twin.controlPlane().orElseThrow().port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write(("GET /console/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder seen = new StringBuilder();
      InputStream in = socket.getInputStream();

      readUntil(in, seen, "event: snapshot");
      readUntil(in, seen, "\"led\":\"on\"");
      assertThat(seen.toString()).startsWith("HTTP/1.1 200").contains("text/event-stream");
      await().atMost(WAIT).until(() -> console.clientCount() == 1);

      update("{\"led\":\"off\",\"fan\":3}");
      readUntil(in, seen, "event: shadow");
      readUntil(in, seen, "\"fan\":3");
      assertThat(seen.substring(seen.lastIndexOf("event: shadow"))).contains("\"delta\"");
    }

    // The browser is gone; the next writes to its stream fail and the stream is forgotten.
    int[] n = {0};
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      update("{\"n\":" + n[0]++ + "}");
      return console.clientCount() == 0;
    });
    await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("thingbridge-twin-web-sse-")));
  }

  private static void readUntil(InputStream in, StringBuilder seen, String expected) throws IOException {
    byte[] buffer = new byte[8192];
    while (!seen.toString().contains(expected)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("stream ended before " + expected + "; got " + seen);
      }
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }
}
