package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.defender.DefenderService;
import java.nio.file.Path;
import java.time.Clock;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A twin with the things and provisioning services on an in-process bus, a stepped clock, and a raw device
 * client for conformance tests.
 */
final class ProvisioningTwinRig implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant START = Instant.parse("2023-11-14T22:13:20Z");

  final LocalBroker broker = new LocalBroker();
  final SteppedClock clock = new SteppedClock(START);
  final MqttClient twinClient = broker.connect("twin");
  final MqttClient device = broker.connect("claim-device");
  final ThingRegistry registry = new ThingRegistry();
  final ThingsService things = new ThingsService(registry);
  final DefenderService defender = new DefenderService();
  final CertificateAuthority ca;
  final ProvisioningService provisioning;
  final Twin twin;

  ProvisioningTwinRig() throws Exception {
    this(ProvisioningSettings.DEFAULTS.withRsaKeys(false), PreProvisioningHook::forTarget);
  }

  ProvisioningTwinRig(ProvisioningSettings settings, Function<String, PreProvisioningHook> hooks) throws Exception {
    this(settings, hooks, null, CertificateAuthority.ephemeral(Clock.systemUTC()));
  }

  /** A rig keeping its state in {@code stateDir} (null: in memory), its CA {@code ca}. */
  ProvisioningTwinRig(ProvisioningSettings settings, Function<String, PreProvisioningHook> hooks, Path stateDir,
      CertificateAuthority ca) throws Exception {
    this.ca = ca;
    provisioning = new ProvisioningService(things, ca, settings, hooks);
    twin = Twin.builder(twinClient).clock(clock).tickInterval(Duration.ofHours(1)).stateDir(stateDir)
        .service(things).service(provisioning).service(defender).build();
    twin.start().get(5, TimeUnit.SECONDS);
  }

  /** The standard test template: thing Device-{Serial}, the certificate ACTIVE, a device configuration. */
  static String template() {
    return TemplateEngineTest.template("\"Serial\":{\"Type\":\"String\"},\"Region\":{\"Default\":\"eu\"}",
        "{\"Fn::Join\":[\"\",[\"Device-\",{\"Ref\":\"Serial\"}]]}",
        ",\"AttributePayload\":{\"serial\":{\"Ref\":\"Serial\"}}",
        "{\"region\":{\"Ref\":\"Region\"},\"fallbackUrl\":\"https://example.com/fallback\"}", null);
  }

  ProvisioningTemplate createTemplate(String name) {
    return createTemplate(name, true, null);
  }

  ProvisioningTemplate createTemplate(String name, boolean enabled, ProvisioningTemplate.Hook hook) {
    return provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest(name, template(), enabled,
        "test template", hook, null));
  }

  /** Sends a request on {@code topic} and waits for the reply on its accepted or rejected topic. */
  MqttMessage request(String topic, byte[] payload) throws Exception {
    return request(topic, payload, MessageProperties.NONE);
  }

  MqttMessage request(String topic, byte[] payload, MessageProperties properties) throws Exception {
    try (Subscription replies = device.subscribe(List.of(SubscriptionFilter.of(topic + "/accepted", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(topic + "/rejected", QoS.AT_LEAST_ONCE))).get(5, TimeUnit.SECONDS)) {
      device.publish(new MqttMessage(topic, payload, QoS.AT_LEAST_ONCE, false, properties)).get(5, TimeUnit.SECONDS);
      return replies.next(WAIT);
    }
  }

  MqttMessage request(String topic, String payload) throws Exception {
    return request(topic, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** CreateKeysAndCertificate in JSON; the accepted reply. */
  JsonNode createKeys() throws Exception {
    MqttMessage m = request("$aws/certificates/create/json", new byte[0]);
    if (!m.topic().endsWith("/accepted")) {
      throw new AssertionError("create was rejected: " + m.payloadAsString());
    }
    return PayloadFormat.JSON.readTree(m.payload());
  }

  static JsonNode body(MqttMessage m) {
    return PayloadFormat.ofSuffix(m.topic().split("/")[m.topic().startsWith("$aws/certificates") ? 3 : 4])
        .readTree(m.payload());
  }

  @Override
  public void close() {
    twin.close();
    provisioning.close();
    device.close();
    twinClient.close();
  }
}
