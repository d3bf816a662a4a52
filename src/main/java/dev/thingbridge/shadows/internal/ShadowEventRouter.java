package dev.thingbridge.shadows.internal;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.shadows.ShadowManager;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.Envelope;
import dev.thingbridge.shadows.internal.ManagedShadowCodec.MalformedDocumentException;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cloud's messages on the shadow manager's wildcard subscription do (on the control thread): a delta for
 * a shadow of the prefix is applied and acknowledged, registering the shadow if it is new, unless this manager's
 * own update caused it; a {@code delete/accepted} removes the shadow's local state unless a newer version has
 * been seen since. A malformed message is reported and ignored.
 */
public final class ShadowEventRouter<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowManager.class);

  private final ShadowSyncEngine<S> engine;
  private final ManagedShadowTopics topics;
  private final ManagerRuntime runtime;

  public ShadowEventRouter(ShadowSyncEngine<S> engine, ManagedShadowTopics topics, ManagerRuntime runtime) {
    this.engine = engine;
    this.topics = topics;
    this.runtime = runtime;
  }

  /** Handles a message on the wildcard delta or delete topic. */
  public void route(MqttMessage message) {
    Optional<ManagedShadowTopics.Parsed> parsed = topics.parse(message.topic());
    if (parsed.isEmpty()) {
      return;
    }
    String name = parsed.get().shadowName();
    String namePrefix = engine.namePrefix();
    if (!name.startsWith(namePrefix) || name.length() == namePrefix.length()) {
      return;
    }
    String id = name.substring(namePrefix.length());
    Envelope envelope;
    try {
      envelope = ManagedShadowCodec.envelope(message.payload());
    } catch (MalformedDocumentException e) {
      engine.problem(id, "malformed message on " + message.topic() + " ignored", e);
      return;
    }
    switch (parsed.get().kind()) {
      case DELTA -> onDelta(id, envelope);
      case DELETE_ACCEPTED -> onDeleted(id, envelope);
    }
  }

  private void onDelta(String id, Envelope delta) {
    if (engine.requests().isOwnToken(delta.clientToken()) || delta.state() == null || delta.state().isEmpty()) {
      return;
    }
    ManagedShadow<S> m = engine.shadows.get(id);
    if (m == null) {
      try {
        m = engine.register(id);
      } catch (RuntimeException e) {
        engine.problem(id, "could not be registered", e);
        return;
      }
      m.reportWhole = true;
    }
    engine.apply(id, m, delta.state(), delta.version(), false);
    if (m.firstBoot) {
      // The delta holds only what differs from reported; fetch the rest of desired once (see sync).
      engine.sync(id, m, Priority.BACKGROUND, false).whenComplete((state, error) -> {
        if (error != null) {
          runtime.onControl(() -> engine.problem(id,
              "fetch after its first delta failed; the next resync retries", ManagedShadowRequests.unwrap(error)));
        }
      });
    }
  }

  private void onDeleted(String id, Envelope deleted) {
    ManagedShadow<S> m = engine.shadows.get(id);
    if (m == null || m.deleting) {
      return;
    }
    if (deleted.version() >= 0 && deleted.version() < m.appliedVersion) {
      LOG.info("shadow {}: delete of version {} ignored, version {} seen since", engine.shadowName(id),
          deleted.version(), m.appliedVersion);
      return;
    }
    engine.remove(id, m, Removal.DELETED_IN_CLOUD);
  }
}
