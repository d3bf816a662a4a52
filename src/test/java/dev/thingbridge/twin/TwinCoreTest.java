package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.ControlPlaneServer;
import dev.thingbridge.twin.http.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinCoreTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Counts requests per topic, replies with the count, and ticks a counter. */
  static final class CountingService implements TwinService {
    int requests;
    int ticks;
    TwinContext context;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void attach(TwinContext ctx) {
      this.context = ctx;
    }

    @Override
    public List<SubscriptionFilter> filters() {
      return List.of(SubscriptionFilter.of("$aws/things/+/count", QoS.AT_LEAST_ONCE));
    }

    @Override
    public boolean handle(MqttMessage request, TwinOutbox out) {
      requests++;
      out.publish(MqttMessage.of(request.topic() + "/accepted", Integer.toString(requests), QoS.AT_LEAST_ONCE));
      // The twin subscribes with No Local, so this reply on the request topic never comes back to us.
      out.publish(MqttMessage.of(request.topic(), "echo-that-must-not-loop", QoS.AT_LEAST_ONCE));
      return true;
    }

    @Override
    public boolean tick(Instant now, TwinOutbox out) {
      ticks++;
      return false;
    }

    @Override
    public List<Route> routes() {
      return List.of(
          Route.of("GetCount", "GET", "/count/(?<thing>[^/]+)",
              r -> ApiResponse.json("{\"thing\":\"" + r.pathParam("thing") + "\",\"count\":"
                  + context.exclusive(this, out -> requests) + "}")),
          Route.of("Missing", "GET", "/missing", r -> {
            throw AwsApiException.notFound("No such thing");
          }));
    }

    @Override
    public JsonNode snapshot() {
      return JsonNodeFactory.instance.objectNode().put("requests", requests);
    }

    @Override
    public void restore(JsonNode snapshot) {
      requests = snapshot.path("requests").asInt();
    }
  }

  @Test
  void answers_requests_in_order_without_hearing_itself_and_keeps_state_across_a_restart(@TempDir Path dir)
      throws Exception {
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinClient = broker.connect("twin"); MqttClient device = broker.connect("device")) {
      CountingService service = new CountingService();
      try (Twin twin = Twin.builder(twinClient).stateDir(dir).service(service).build()) {
        twin.start().get(5, TimeUnit.SECONDS);
        Subscription replies = device.subscribe("$aws/things/t1/count/accepted", QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
          device.publish("$aws/things/t1/count", new byte[0], QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
        }
        assertThat(List.of(replies.next(WAIT).payloadAsString(), replies.next(WAIT).payloadAsString(),
            replies.next(WAIT).payloadAsString())).containsExactly("1", "2", "3");
        assertThat(service.requests).isEqualTo(3);
      }

      CountingService restored = new CountingService();
      try (Twin twin = Twin.builder(twinClient).stateDir(dir).service(restored).build()) {
        twin.start().get(5, TimeUnit.SECONDS);
        assertThat(restored.requests).isEqualTo(3);
        twin.tickNow();
        assertThat(restored.ticks).isGreaterThanOrEqualTo(1);
      }
    }
  }

  @Test
  void control_plane_routes_path_parameters_and_reports_aws_shaped_errors() throws Exception {
    LocalBroker broker = new LocalBroker();
    try (MqttClient twinClient = broker.connect("twin");
        Twin twin = Twin.builder(twinClient).service(new CountingService()).build();
        ControlPlaneServer http = ControlPlaneServer.startOnLoopback(0, twin.routes())) {
      twin.start().get(5, TimeUnit.SECONDS);
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> ok = client.send(
          HttpRequest.newBuilder(URI.create(http.endpoint() + "/count/my%20thing")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("{\"thing\":\"my thing\",\"count\":0}");

      HttpResponse<String> missing = client.send(
          HttpRequest.newBuilder(URI.create(http.endpoint() + "/missing")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");
      assertThat(missing.body()).contains("\"message\":\"No such thing\"");

      HttpResponse<String> unknown = client.send(
          HttpRequest.newBuilder(URI.create(http.endpoint() + "/nope")).DELETE().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
    }
  }
}
