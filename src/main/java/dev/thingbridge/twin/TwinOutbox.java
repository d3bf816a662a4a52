package dev.thingbridge.twin;

import dev.thingbridge.mqtt.MqttMessage;

/** Where a service puts the messages it sends to devices; the twin publishes them in order. */
@FunctionalInterface
public interface TwinOutbox {
  void publish(MqttMessage message);
}
