package dev.thingbridge.twin;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.store.Table;

/**
 * What one operation of a service produces: the messages it sends to devices and the rows it changed. The
 * twin commits the rows and only then publishes the messages, in order, so that no device sees an answer a
 * restart could take back.
 *
 * <p>The row methods do nothing by default: an outbox built outside a twin (a lambda in a unit test) only
 * collects messages.
 */
@FunctionalInterface
public interface TwinOutbox {
  /** Sends a message once the operation's changes are durable. */
  void publish(MqttMessage message);

  /**
   * Inserts or replaces a row of one of the service's tables, as part of this operation's commit.
   *
   * @param values one per column of {@code table}, in its order
   */
  default void save(Table table, Object... values) {}

  /** Deletes a row of one of the service's tables by its key, as part of this operation's commit. */
  default void delete(Table table, Object... key) {}
}
