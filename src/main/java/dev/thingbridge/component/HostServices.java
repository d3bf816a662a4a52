package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEvents;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowTopics;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The gateway's own services beside its things' agents: Device Defender reports and the health shadow, each
 * started when its section turns it on and restarted when its section changes.
 */
final class HostServices implements AutoCloseable {
  private final MqttClient mqtt;
  private final String gateway;
  private final DeviceEvents events;
  private final ScheduledExecutorService timer;
  private final Supplier<ObjectNode> healthReport;
  private DefenderHost defender;
  private HealthReporter health;

  /**
   * @param timer where health reports are scheduled
   * @param healthReport the {@code reported} section of the health shadow
   */
  HostServices(MqttClient mqtt, String gateway, DeviceEvents events, ScheduledExecutorService timer,
      Supplier<ObjectNode> healthReport) {
    this.mqtt = mqtt;
    this.gateway = gateway;
    this.events = events;
    this.timer = timer;
    this.healthReport = healthReport;
  }

  /** Starts what {@code c} turns on; health reports go through {@code shadows} (the shadow backend's requester). */
  synchronized void start(ComponentConfig c, MqttRequester shadows) {
    startDefender(c);
    startHealth(c, shadows);
  }

  /** Restarts what changed from {@code old} to {@code next}; {@code shadows} is the (maybe new) backend's. */
  synchronized void apply(ComponentConfig old, ComponentConfig next, MqttRequester shadows) {
    if (!old.defender().equals(next.defender())) {
      stopDefender();
      startDefender(next);
    }
    if (!old.shadows().healthShadow().equals(next.shadows().healthShadow())
        || !old.shadows().backend().equals(next.shadows().backend())) {
      stopHealth();
      startHealth(next, shadows);
    }
  }

  /** Defender, when it runs. */
  synchronized DefenderHost defender() {
    return defender;
  }

  private void startDefender(ComponentConfig c) {
    if (c.defender().enabled()) {
      defender = new DefenderHost(mqtt, gateway, c.defender(), events);
    }
  }

  private void stopDefender() {
    if (defender != null) {
      defender.close();
      defender = null;
    }
  }

  private void startHealth(ComponentConfig c, MqttRequester shadows) {
    if (c.shadows().enabled() && !c.shadows().healthShadow().isEmpty()) {
      health = new HealthReporter(new ShadowClient(shadows, ShadowTopics.named(gateway, c.shadows().healthShadow()),
          Duration.ofSeconds(c.mqtt().operationTimeoutSeconds())), healthReport::get, timer);
      events.add(health);
      health.reportNow();
    }
  }

  private void stopHealth() {
    if (health != null) {
      events.remove(health);
      health.close();
      health = null;
    }
  }

  @Override
  public synchronized void close() {
    stopHealth();
    stopDefender();
  }
}
