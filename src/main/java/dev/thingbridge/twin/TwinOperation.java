package dev.thingbridge.twin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.Table;
import dev.thingbridge.twin.store.TwinStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One operation of one service (a device request, a control-plane call, a read, a tick): the outbox it fills
 * with replies and row changes. The twin commits the changes, then {@link #release}s the replies; if the
 * commit fails it {@link #fail}s the operation instead.
 */
final class TwinOperation implements TwinOutbox {
  private final TwinService service;
  private final MqttMessage request;
  private final Consumer<MqttMessage> publisher;
  private final List<MqttMessage> messages = new ArrayList<>(4);
  private final Changes changes = new Changes();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /**
   * @param request the device request this operation answers, or null (control plane, tick)
   * @param publisher where released messages go
   */
  TwinOperation(TwinService service, MqttMessage request, Consumer<MqttMessage> publisher) {
    this.service = service;
    this.request = request;
    this.publisher = publisher;
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

  Changes changes() {
    return changes;
  }

  /** Completes once the operation is released (its changes durable) or fails. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** For a service without tables: adds its whole snapshot to the changes when its state changed. */
  void saveSnapshotIfNeeded(boolean changed, ObjectMapper json) {
    if (changed && service.schema() == null) {
      try {
        TwinStore.saveSnapshot(changes, service.name(), json.writeValueAsString(service.snapshot()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("twin " + service.name() + ": snapshot not serializable", e);
      }
    }
  }

  /** The changes are durable: publishes the replies, in order. */
  void release() {
    messages.forEach(publisher);
    done.complete(null);
  }

  /**
   * The changes could not be saved: drops the replies, answers a device request with the service's internal
   * error and fails {@link #done()}. The caller holds the twin's lock exclusively (services are called).
   */
  void fail(RuntimeException cause) {
    messages.clear();
    if (request != null) {
      try {
        service.answerInternalFailure(request, publisher::accept);
      } catch (RuntimeException e) {
        // The request is answered by nothing then, as an internal error in the service would leave it.
      }
    }
    done.completeExceptionally(new TwinCommitException("the change could not be saved: " + cause.getMessage(),
        cause));
  }
}
