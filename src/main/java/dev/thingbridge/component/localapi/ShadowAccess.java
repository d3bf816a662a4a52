package dev.thingbridge.component.localapi;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.shadows.ShadowClient;

/** What the shadow API needs from the component: shadow clients over the configured backend. */
public interface ShadowAccess extends HostedThings {
  /** Whether shadows are turned on. */
  boolean enabled();

  /** The client of one shadow ({@code ""} for the classic one), over the configured backend; shared. */
  ShadowClient client(String thing, String shadowName);

  /** The backend's MQTT view, for delta subscriptions of shadows the component does not keep. */
  MqttClient mqtt();

  /** The shadow topic prefix, {@code $aws}. */
  String topicPrefix();

  /** Whether the component keeps this shadow itself (applies and acknowledges its deltas). */
  boolean isKept(String thing, String shadowName);
}
