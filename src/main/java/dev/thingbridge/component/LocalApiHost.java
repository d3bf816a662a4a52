package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.localapi.ApiCall;
import dev.thingbridge.component.localapi.ApiException;
import dev.thingbridge.component.localapi.CommandsApi;
import dev.thingbridge.component.localapi.DeviceApis;
import dev.thingbridge.component.localapi.DeviceServices;
import dev.thingbridge.component.localapi.EventsApi;
import dev.thingbridge.component.localapi.JobsApi;
import dev.thingbridge.component.localapi.LocalApiServer;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.component.localapi.ShadowAccess;
import dev.thingbridge.component.localapi.ShadowApi;
import dev.thingbridge.defender.CustomMetric;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.provisioning.CertificateSource;
import dev.thingbridge.provisioning.FleetProvisioner;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local API as the {@link DeviceHost} serves it: the server and its services, wired to the hosted agents
 * through {@link ShadowAccess} and {@link DeviceServices}. Rebuilt when {@code localApi} changes; the job and
 * command claims live in the host, so work handed to a sibling survives the rebuild.
 */
final class LocalApiHost implements AutoCloseable {
  private final DeviceHost host;
  private final ShadowApi shadows;
  private final EventsApi events;
  private final LocalApiServer server;
  private final Map<String, ShadowClient> clients = new ConcurrentHashMap<>();

  LocalApiHost(LocalBus bus, ComponentConfig config, DeviceHost host) {
    this.host = host;
    Duration lease = Duration.ofSeconds(config.localApi().claimLeaseSeconds());
    Access access = new Access();
    this.shadows = new ShadowApi(access, lease);
    this.events = new EventsApi(lease);
    this.server = LocalApiServer.builder(bus, config.localApi().topicPrefix())
        .callTimeout(Duration.ofSeconds(config.localApi().callTimeoutSeconds()))
        .service(shadows)
        .service(new JobsApi(access, host.jobClaims(), () -> host.config().jobs().enabled()))
        .service(new CommandsApi(access, host.commandClaims(), () -> host.config().commands().enabled()))
        .service(events)
        .services(DeviceApis.all(access, events))
        .build();
    shadows.pushEventsTo(server.events()::send);
    events.pushEventsTo(server.events()::send);
    host.jobClaims().pushEventsTo(server.events()::send);
    host.commandClaims().pushEventsTo(server.events()::send);
    host.events().add(events);
  }

  /** The link to the siblings came back: watches and event subscriptions get a full lease to be renewed in. */
  void reconnected() {
    shadows.reconnected();
    events.reconnected();
  }

  CompletableFuture<Void> start() {
    return server.start();
  }

  void keptDelta(String thing, String shadow, long version, ObjectNode delta) {
    shadows.onKeptDelta(thing, shadow, version, delta);
  }

  /** The shadow backend changed: clients of the old one go. */
  void shadowBackendChanged() {
    clients.clear();
    shadows.close();
  }

  @Override
  public void close() {
    host.events().remove(events);
    shadows.close();
    server.close();
  }

  /** The hosted agents as the services see them. */
  private final class Access implements ShadowAccess, DeviceServices {
    @Override
    public String defaultThing() {
      return host.gateway();
    }

    @Override
    public List<String> things() {
      return host.hostedThings();
    }

    @Override
    public boolean enabled() {
      return host.config().shadows().enabled();
    }

    @Override
    public ShadowClient client(String thing, String shadowName) {
      MqttClient backend = host.shadowMqtt();
      return clients.computeIfAbsent(thing + "/" + shadowName, k -> {
        ShadowTopics topics = shadowName.isEmpty() ? ShadowTopics.classic(thing) : ShadowTopics.named(thing, shadowName);
        ShadowClient c = new ShadowClient(host.shadowRequester(), topics,
            Duration.ofSeconds(host.config().mqtt().operationTimeoutSeconds()));
        return shadowName.isEmpty() || backend != host.mqtt() ? c : c.sharingReplySubscriptions();
      });
    }

    @Override
    public MqttClient mqtt() {
      return host.shadowMqtt();
    }

    @Override
    public String topicPrefix() {
      return ShadowTopics.AWS_PREFIX;
    }

    @Override
    public boolean isKept(String thing, String shadowName) {
      return host.keeps(thing, shadowName);
    }

    @Override
    public ObjectNode status() {
      return host.healthReport();
    }

    @Override
    public JsonNode mcus() {
      McuFleet fleet = host.mcus();
      if (fleet == null || host.config().mcus().isEmpty()) {
        throw ApiException.notEnabled("no MCUs are configured (mcus)");
      }
      return fleet.list();
    }

    @Override
    public CompletableFuture<JsonNode> provision(ApiCall call) {
      if (!host.config().provisioning().enabled()) {
        throw ApiException.notEnabled("provisioning is turned off (provisioning.enabled)");
      }
      FleetProvisioner.Builder b = FleetProvisioner.builder(host.mqtt(), call.text("templateName"))
          .format(call.optionalText("format").orElse("json").equals("cbor") ? PayloadFormat.CBOR : PayloadFormat.JSON)
          .parameters(call.stringMap("parameters"))
          .stepTimeout(Duration.ofSeconds(host.config().mqtt().operationTimeoutSeconds()));
      call.optionalText("csr").ifPresent(csr -> b.certificateSource(CertificateSource.csr(csr)));
      FleetProvisioner provisioner = b.build();
      return provisioner.provision().whenComplete((r, e) -> provisioner.close()).<JsonNode>thenApply(r -> {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("thingName", r.thingName())
            .put("certificateId", r.certificateId()).put("certificatePem", r.credentials().certificatePem());
        if (r.credentials().privateKeyPem() != null) {
          out.put("privateKey", r.credentials().privateKeyPem());
        }
        r.rawDeviceConfiguration().ifPresent(d -> out.set("deviceConfiguration", d));
        host.events().accept(dev.thingbridge.component.events.DeviceEvent.of("provisioning",
            "provisioning.completed", r.thingName(), "certificateId", r.certificateId(),
            "template", call.text("templateName"), "by", call.caller()));
        return out;
      }).whenComplete((r, e) -> {
        if (e != null) {
          host.events().accept(dev.thingbridge.component.events.DeviceEvent.of("provisioning",
              "provisioning.failed", null, "template", call.text("templateName"), "by", call.caller(),
              "message", String.valueOf(e.getMessage())));
        }
      });
    }

    @Override
    public CompletableFuture<JsonNode> defenderReport(String thing, Map<String, CustomMetric> custom) {
      DefenderHost d = host.defender();
      if (d == null) {
        throw ApiException.notEnabled("Device Defender is turned off (defender.enabled)");
      }
      return d.reportNow(thing, custom);
    }

    @Override
    public void defenderSetMetric(String thing, String name, CustomMetric value) {
      DefenderHost d = host.defender();
      if (d == null) {
        throw ApiException.notEnabled("Device Defender is turned off (defender.enabled)");
      }
      d.setMetric(thing, name, value);
    }
  }
}
