package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.util.ArrayList;
import java.util.List;

/** The in-process bus with the twin on it, and device clients: the real parts the agent tests run against. */
final class AgentRig implements AutoCloseable {
  final LocalBroker broker = new LocalBroker();
  final MqttClient twinClient = broker.connect("twin");
  final TwinServer twin;
  private final List<AutoCloseable> owned = new ArrayList<>();

  AgentRig() throws Exception {
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults());
  }

  ShadowsService cloud() {
    return twin.twin().service(ShadowsService.class);
  }

  MqttClient device(String clientId) {
    return own(broker.connect(clientId));
  }

  /** The cloud document's desired, reported or delta section (missing node when absent). */
  JsonNode cloudState(String thing, String shadow, String section) {
    return cloud().get(thing, shadow).path("state").path(section);
  }

  void cloudUpdate(String thing, String shadow, String json) {
    cloud().update(thing, shadow, ShadowCodec.parseObject(json, "update"));
  }

  static ObjectNode json(String text) {
    return ShadowCodec.parseObject(text, "test json");
  }

  <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    twin.close();
    twinClient.close();
  }
}
