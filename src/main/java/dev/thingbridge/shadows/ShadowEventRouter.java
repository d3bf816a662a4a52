package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.shadows.ManagedShadows.Managed;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.model.ShadowDeleted;
import dev.thingbridge.shadows.model.ShadowDeltaMessage;
import java.util.Optional;

/**
 * What the cloud's messages on the shadow manager's wildcard subscription do (on the control thread): a delta for
 * a shadow of the prefix goes to its session, registering the shadow first if it is new (unless the delta is the
 * echo of one of the manager's own updates); a {@code delete/accepted} that the session judges a deletion by
 * someone else removes the shadow. A malformed message is reported and ignored.
 */
final class ShadowEventRouter<S> {
  private final ManagedShadows<S> shadows;
  private final ManagerRuntime runtime;
  private final String topicPrefix;

  public ShadowEventRouter(ManagedShadows<S> shadows, ManagerRuntime runtime, String topicPrefix) {
    this.shadows = shadows;
    this.runtime = runtime;
    this.topicPrefix = topicPrefix;
  }

  /** Handles a message on the wildcard delta or delete topic. */
  public void route(MqttMessage message) {
    Optional<ShadowTopic> topic = ShadowTopics.parse(topicPrefix, message.topic());
    String namePrefix = shadows.namePrefix();
    if (topic.isEmpty() || !topic.get().isNamed() || !topic.get().thingName().equals(shadows.thingName())
        || !topic.get().shadowName().startsWith(namePrefix)
        || topic.get().shadowName().length() == namePrefix.length()) {
      return;
    }
    String id = topic.get().shadowName().substring(namePrefix.length());
    try {
      switch (topic.get().kind()) {
        case UPDATE_DELTA -> onDelta(id, ShadowCodec.decodeDelta(message.payload()));
        case DELETE_ACCEPTED -> onDeleted(id, ShadowCodec.decodeDeleted(message.payload()));
        default -> { }
      }
    } catch (IllegalArgumentException e) {
      shadows.problem(id, "malformed message on " + message.topic() + " ignored", e);
    }
  }

  private void onDelta(String id, ShadowDeltaMessage delta) {
    Managed<S> m = shadows.get(id);
    if (m == null) {
      if (runtime.tokens().contains(delta.clientToken()) || delta.state().isEmpty()) {
        return; // the echo of an update to a shadow removed since, or nothing to apply
      }
      try {
        m = shadows.register(id);
      } catch (RuntimeException e) {
        shadows.problem(id, "could not be registered", e);
        return;
      }
      m.session.reportWholeNext();
    }
    m.session.onDelta(delta);
  }

  private void onDeleted(String id, ShadowDeleted deleted) {
    Managed<S> m = shadows.get(id);
    if (m != null && m.session.onDeleted(deleted)) {
      shadows.remove(id, m, Removal.DELETED_IN_CLOUD);
    }
  }
}
