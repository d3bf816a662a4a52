package dev.thingbridge.twin.shadows;

import dev.thingbridge.testing.SteppedClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** A twin with the shadow service and a device client, both on one in-process bus. */
final class ShadowTwinFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final long T0 = 1_700_000_000L;

  final LocalBroker broker = new LocalBroker();
  final SteppedClock clock = new SteppedClock(Instant.ofEpochSecond(T0));
  final MqttClient twinClient = broker.connect("twin");
  final MqttClient device = broker.connect("device");
  Twin twin;
  ShadowsService service;

  ShadowTwinFixture(TwinLimits limits, ShadowSettings settings, Path stateDir) throws Exception {
    start(limits, settings, stateDir);
  }

  void start(TwinLimits limits, ShadowSettings settings, Path stateDir) throws Exception {
    service = new ShadowsService(settings);
    twin = Twin.builder(twinClient).clock(clock).limits(limits).stateDir(stateDir).service(service).build();
    twin.start().get(5, TimeUnit.SECONDS);
  }

  void restart(TwinLimits limits, ShadowSettings settings, Path stateDir) throws Exception {
    twin.close();
    start(limits, settings, stateDir);
  }

  Subscription subscribe(String filter) throws Exception {
    return device.subscribe(filter, QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
  }

  void publish(String topic, String payload) throws Exception {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8));
  }

  void publish(String topic, byte[] payload) throws Exception {
    device.publish(topic, payload, QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
  }

  /** The next message of a subscription, checked to be on {@code topic}, as JSON. */
  static JsonNode next(Subscription sub, String topic) throws Exception {
    MqttMessage m = sub.next(WAIT);
    assertThat(m.topic()).as("payload %s", m.payloadAsString()).isEqualTo(topic);
    return ShadowJson.parse(m.payload());
  }

  static JsonNode json(String text) throws Exception {
    return ShadowJson.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /** JSON equality as on the wire (5 and 5L are the same number). */
  static void assertJson(JsonNode actual, String expected) throws Exception {
    JsonNode want = json(expected);
    assertThat(ShadowJson.same(actual, want, false)).as("%s%nexpected %s", actual, want).isTrue();
  }

  @Override
  public void close() {
    if (twin != null) {
      twin.close();
    }
    device.close();
    twinClient.close();
  }
}
