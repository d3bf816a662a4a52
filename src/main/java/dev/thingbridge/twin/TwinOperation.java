package dev.thingbridge.twin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.Table;
import dev.thingbridge.twin.store.TwinStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation of one service (a device request, a control-plane call, a tick): the outbox it fills with
 * replies and row changes. The twin commits the changes, then publishes the replies.
 */
final class TwinOperation implements TwinOutbox {
  private final TwinService service;
  private final ObjectMapper json;
  private final List<MqttMessage> messages = new ArrayList<>(4);
  private final Changes changes = new Changes();

  TwinOperation(TwinService service, ObjectMapper json) {
    this.service = service;
    this.json = json;
  }

  TwinService service() {
    return service;
  }

  @Override
  public void publish(MqttMessage message) {
    messages.add(message);
  }

  @Override
  public void save(Table table, Object... values) {
    changes.put(table, values);
  }

  @Override
  public void delete(Table table, Object... key) {
    changes.delete(table, key);
  }

  List<MqttMessage> messages() {
    return messages;
  }

  Changes changes() {
    return changes;
  }

  /** For a service without tables: adds its whole snapshot to the changes when its state changed. */
  void saveSnapshotIfNeeded(boolean changed) {
    if (changed && service.schema() == null) {
      try {
        TwinStore.saveSnapshot(changes, service.name(), json.writeValueAsString(service.snapshot()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("twin " + service.name() + ": snapshot not serializable", e);
      }
    }
  }

  /** Drops what the operation produced (it failed before its changes were committed). */
  void discard() {
    messages.clear();
    changes.clear();
  }
}
