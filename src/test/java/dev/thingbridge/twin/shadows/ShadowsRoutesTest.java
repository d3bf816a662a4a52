package dev.thingbridge.twin.shadows;

import static dev.thingbridge.twin.shadows.ShadowTwinFixture.assertJson;
import static dev.thingbridge.twin.shadows.ShadowTwinFixture.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;
import software.amazon.awssdk.services.iotdataplane.model.ConflictException;
import software.amazon.awssdk.services.iotdataplane.model.InvalidRequestException;
import software.amazon.awssdk.services.iotdataplane.model.ListNamedShadowsForThingResponse;
import software.amazon.awssdk.services.iotdataplane.model.RequestEntityTooLargeException;
import software.amazon.awssdk.services.iotdataplane.model.ResourceNotFoundException;

/** The iot-data shadow operations through the AWS SDK for Java v2, against the twin's control plane. */
class ShadowsRoutesTest {
  private ShadowTwinFixture f;
  private ControlPlaneServer server;
  private IotDataPlaneClient sdk;

  @BeforeEach
  void start() throws Exception {
    f = new ShadowTwinFixture(TwinLimits.AWS, ShadowSettings.DEFAULTS, null);
    server = ControlPlaneServer.startOnLoopback(0, f.twin.routes());
    sdk = IotDataPlaneClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterEach
  void stop() {
    sdk.close();
    server.close();
    f.close();
  }

  private static SdkBytes bytes(String json) {
    return SdkBytes.fromString(json, StandardCharsets.UTF_8);
  }

  @Test
  void an_update_with_desired_through_the_sdk_sends_the_device_accepted_delta_and_documents() throws Exception {
    Subscription device = f.subscribe("$aws/things/lamp/shadow/update/+");

    var response = sdk.updateThingShadow(b -> b.thingName("lamp")
        .payload(bytes("{\"state\":{\"desired\":{\"color\":\"RED\"}},\"clientToken\":\"app-1\"}")));

    JsonNode accepted = ShadowTwinFixture.json(response.payload().asUtf8String());
    assertThat(accepted.get("version").asLong()).isEqualTo(1);
    assertThat(accepted.get("clientToken").asText()).isEqualTo("app-1");
    assertJson(next(device, "$aws/things/lamp/shadow/update/accepted"), response.payload().asUtf8String());
    assertJson(next(device, "$aws/things/lamp/shadow/update/delta").get("state"), "{\"color\":\"RED\"}");
    assertThat(next(device, "$aws/things/lamp/shadow/update/documents").at("/current/version").asLong())
        .isEqualTo(1);
  }

  @Test
  void get_update_and_delete_of_classic_and_named_shadows_work_through_the_sdk() throws Exception {
    assertThatThrownBy(() -> sdk.getThingShadow(b -> b.thingName("lamp")))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("No shadow exists with name: ''");
        });
    sdk.updateThingShadow(b -> b.thingName("lamp").shadowName("cfg").payload(bytes(
        "{\"state\":{\"reported\":{\"mode\":\"eco\"},\"desired\":{\"mode\":\"max\"}}}")));
    JsonNode doc = ShadowTwinFixture.json(
        sdk.getThingShadow(b -> b.thingName("lamp").shadowName("cfg")).payload().asUtf8String());
    assertJson(doc.get("state"),
        "{\"desired\":{\"mode\":\"max\"},\"reported\":{\"mode\":\"eco\"},\"delta\":{\"mode\":\"max\"}}");
    assertThatThrownBy(() -> sdk.getThingShadow(b -> b.thingName("lamp")))
        .isInstanceOf(ResourceNotFoundException.class);

    assertThatThrownBy(() -> sdk.updateThingShadow(b -> b.thingName("lamp").shadowName("cfg")
        .payload(bytes("{\"state\":{\"reported\":{}},\"version\":7}"))))
        .isInstanceOfSatisfying(ConflictException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Version conflict"));
    assertThatThrownBy(() -> sdk.updateThingShadow(b -> b.thingName("lamp").payload(bytes("{\"state\":7}"))))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("State node must be an object"));
    assertThatThrownBy(() -> sdk.updateThingShadow(b -> b.thingName("lamp")
        .payload(bytes("{\"state\":{\"reported\":{\"a\":\"" + "x".repeat(9000) + "\"}}}"))))
        .isInstanceOf(RequestEntityTooLargeException.class);

    Subscription deletes = f.subscribe("$aws/things/lamp/shadow/name/cfg/delete/accepted");
    JsonNode deleted = ShadowTwinFixture.json(
        sdk.deleteThingShadow(b -> b.thingName("lamp").shadowName("cfg")).payload().asUtf8String());
    assertThat(deleted.get("version").asLong()).isEqualTo(1);
    assertThat(next(deletes, "$aws/things/lamp/shadow/name/cfg/delete/accepted").get("version").asLong())
        .isEqualTo(1);
    assertThatThrownBy(() -> sdk.deleteThingShadow(b -> b.thingName("lamp").shadowName("cfg")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void list_named_shadows_pages_through_250_shadows() {
    for (int i = 0; i < 250; i++) {
      if (i % 20 == 0) {
        f.clock.advance(java.time.Duration.ofSeconds(1)); // AWS limits: 20 shadow requests a second per thing
      }
      f.service.update("fleet", String.format("s%03d", i),
          "{\"state\":{\"reported\":{}}}".getBytes(StandardCharsets.UTF_8));
    }
    f.service.update("fleet", null, "{\"state\":{\"reported\":{}}}".getBytes(StandardCharsets.UTF_8));
    List<String> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListNamedShadowsForThingResponse page =
          sdk.listNamedShadowsForThing(b -> b.thingName("fleet").pageSize(40).nextToken(t));
      assertThat(page.results()).hasSizeLessThanOrEqualTo(40);
      all.addAll(page.results());
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(7);
    assertThat(all).hasSize(250).isSorted().doesNotHaveDuplicates().startsWith("s000").endsWith("s249");
    assertThat(sdk.listNamedShadowsForThing(b -> b.thingName("fleet")).results()).hasSize(25);
    assertThatThrownBy(() -> sdk.listNamedShadowsForThing(b -> b.thingName("fleet").nextToken("garbage!")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void publish_goes_out_through_the_twin_with_qos_retain_and_properties_and_reaches_the_shadow_service()
      throws Exception {
    Subscription telemetry = f.subscribe("plant/+/temp");
    sdk.publish(b -> b.topic("plant/7/temp").qos(1).contentType("application/json")
        .payload(bytes("{\"c\":21.5}")));
    MqttMessage m = telemetry.next(ShadowTwinFixture.WAIT);
    assertThat(m.topic()).isEqualTo("plant/7/temp");
    assertThat(m.payloadAsString()).isEqualTo("{\"c\":21.5}");
    assertThat(m.qos().level()).isEqualTo(1);
    assertThat(m.properties().contentType()).hasValue("application/json");

    Subscription accepted = f.subscribe("$aws/things/lamp/shadow/update/accepted");
    sdk.publish(b -> b.topic("$aws/things/lamp/shadow/update").qos(0)
        .payload(bytes("{\"state\":{\"reported\":{\"on\":true}}}")));
    assertThat(next(accepted, "$aws/things/lamp/shadow/update/accepted").get("version").asLong()).isEqualTo(1);
  }
}
