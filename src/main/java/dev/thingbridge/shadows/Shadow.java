package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.shadows.internal.JsonLocalState;
import dev.thingbridge.shadows.internal.LocalState;
import dev.thingbridge.shadows.internal.TypedLocalState;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStateStore;
import dev.thingbridge.shadows.store.ShadowStoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One Device Shadow (classic or named) kept by the device: the state lives in a {@link KeyValueStore}, desired
 * changes arrive as deltas that are applied, persisted and acknowledged, and the device's own changes are
 * reported (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-comms-device.html).
 *
 * <p>The shadow goes live on first use ({@link #sync()}, {@link #nextDelta}, or any publish): it subscribes to
 * {@code update/delta}, {@code update/documents} and {@code delete/accepted}, and only once the broker acknowledged
 * that does it GET the document: on 404 it creates it with the full local desired and reported state; otherwise it
 * applies the cloud's computed {@code delta} (only that: "no delta" means nothing changed) and acknowledges it.
 * Every publish waits for that initial sync, which runs once however many callers race for it, so the cloud never
 * auto-creates a one-field document. From then on:
 *
 * <ul>
 *   <li>A delta is applied and persisted (only the fields it touched), then acknowledged by one update whose
 *       {@code reported} holds the touched fields and whose {@code desired} removes what AWS would otherwise re-send
 *       forever (removed map entries, fields of a previous union variant, keys the state type rejected). The
 *       acknowledgement carries the document {@code version} it acknowledges: one delayed by an outage while the
 *       document changed or was deleted is refused (409) and the document fetched again, instead of re-creating a
 *       deleted document. The wait for the acknowledgement is bounded ({@link ShadowOptions#ackTimeout()}); the
 *       applied state is kept if it never comes.
 *   <li>Deltas caused by the device's own updates (recognised by their exact {@code clientToken}), empty deltas and
 *       deltas older than the version already applied are skipped. A delta older than a version the device
 *       already saw (replies and deltas may cross) is not trusted: a GET says what is pending.
 *   <li>A delta the state type rejects (unknown field, wrong type, bad variant) is reported to
 *       {@link ShadowListener#onDeltaRejected} with its path; its desired key is removed in the cloud and the rest
 *       of the delta is applied. The shadow keeps working.
 *   <li>After a reconnect that lost the MQTT session (and, by default, after every reconnect) the shadow GETs the
 *       document again, so deltas sent while the device was away are not lost. A document found missing then was
 *       deleted meanwhile: it is treated as a deletion made in the cloud (below), not re-created.
 *   <li>A deletion made in the cloud resets the initial sync: the next publish re-creates the document from the
 *       local state.
 * </ul>
 *
 * <p>Optimistic locking ({@link ShadowOptions#optimisticLocking()}): the device's own updates carry the last known
 * {@code version}; a 409 makes the shadow GET the document, apply the cloud's change, and run the caller's change
 * again on the fresh state, so neither change is lost.
 *
 * <p>Every method returns at once; each waits at most {@link ShadowOptions#requestTimeout()} per request it sends.
 * Futures fail with {@link ShadowException} (a rejection with the cloud's code and message), {@link
 * MqttTimeoutException}, other {@link dev.thingbridge.mqtt.MqttException}s, {@link ShadowDeltaException} or
 * {@link ShadowStoreException}. Cancelling a future never leaves the shadow half-synced: an operation that started
 * runs to its end, and a cancelled {@link #nextDelta} leaves its delta for the next call.
 *
 * <p>Threads: everything runs on the shadow's control thread {@code thingbridge-shadows-<thing>[-<shadow>]}, one
 * operation or message at a time (an operation ends when its replies have come); futures complete there, so
 * dependent stages that block must use an {@code *Async} variant. Several
 * shadows may share one {@link MqttClient} (and one {@link MqttRequester}). {@link #close()} stops the thread and
 * releases the subscriptions; the client and the store belong to the caller.
 *
 * @param <S> the state type
 */
public final class Shadow<S> implements AutoCloseable {
  private final ShadowAgent<S> agent;
  private final ShadowTopics topics;

  private Shadow(ShadowAgent<S> agent, ShadowTopics topics) {
    this.agent = agent;
    this.topics = topics;
  }

  /**
   * A builder for a typed shadow of {@code thingName}, its state kept field by field in {@code store} under
   * {@link ShadowStateStore#scopeOf(String, String)}.
   */
  public static <S> Builder<S> builder(MqttClient mqtt, String thingName, ShadowSchema<S> schema,
      KeyValueStore store) {
    Objects.requireNonNull(schema, "schema");
    return new Builder<>(mqtt, thingName, store, schema);
  }

  /**
   * A builder for an untyped shadow: the state is a JSON object, deltas merge into it as AWS merges updates and are
   * acknowledged by reporting them back as they came. What {@code thingbridge shadow watch --ack} runs.
   */
  public static Builder<ObjectNode> untyped(MqttClient mqtt, String thingName, KeyValueStore store) {
    return new Builder<>(mqtt, thingName, store, null);
  }

  public String thingName() {
    return topics.thingName();
  }

  /** The named shadow, empty for the classic shadow. */
  public Optional<String> shadowName() {
    return topics.shadowName();
  }

  public ShadowTopics topics() {
    return topics;
  }

  /** Loads the local state (first boot, migrations; see {@link ShadowStateStore#load()}). No MQTT. */
  public CompletableFuture<LoadResult> load() {
    return agent.load();
  }

  /**
   * The current local state.
   *
   * @throws IllegalStateException before the state was loaded (by {@link #load()} or any other operation)
   */
  public S state() {
    return agent.state();
  }

  /** The last document version this shadow saw (0 before any). */
  public long version() {
    return agent.version();
  }

  /**
   * Synchronises with the cloud: goes live if needed, GETs the document (404: creates it from the local state),
   * applies and acknowledges its delta if there is one (delivered like any delta, through {@link #nextDelta} and
   * the listener). Completes with the state afterwards.
   */
  public CompletableFuture<S> sync() {
    return agent.sync();
  }

  /**
   * Waits for the next applied delta (including one the initial sync found). The first call makes the shadow live.
   * Deltas applied while nobody was waiting (by a {@link #sync()}, or between two calls) are kept, the latest
   * {@link ShadowOptions#inboxCapacity()} of them, for later calls.
   *
   * @return completes with the delta, already applied, persisted and acknowledged (see {@link
   *     DeltaEvent#acknowledged()}); fails with {@link MqttTimeoutException} when none came within {@code timeout}.
   *     Cancelling it is safe: a delta that arrives afterwards goes to the next call.
   */
  public CompletableFuture<DeltaEvent<S>> nextDelta(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<DeltaEvent<S>> reader = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(() -> reader.completeExceptionally(new MqttTimeoutException("waiting for a shadow delta", timeout)));
    agent.whenLive(reader);
    return reader;
  }

  /**
   * Reports a change made on the device: {@code change} gets the current state and returns the new one; the
   * fields that differ are persisted and published as {@code reported} (nothing is sent when nothing changed).
   * Completes with the new state.
   */
  public CompletableFuture<S> updateReported(UnaryOperator<S> change) {
    return agent.publishChange(change, false);
  }

  /**
   * Changes the desired state from the device (a button pressed, a local setting): the fields that differ are
   * persisted and published both as {@code desired} and as {@code reported} in one update, so no stale delta stays
   * pending in the cloud. Report-only fields go to {@code reported} only. Completes with the new state.
   */
  public CompletableFuture<S> updateDesired(UnaryOperator<S> change) {
    return agent.publishChange(change, true);
  }

  /**
   * Creates (or overwrites) the cloud document with the full local state: {@code desired} without report-only
   * fields, {@code reported} with them. Completes with the state.
   */
  public CompletableFuture<S> create() {
    return agent.create();
  }

  /**
   * Deletes the cloud document (a missing one is fine) and wipes the local state back to defaults. The next
   * publish re-creates the document.
   */
  public CompletableFuture<Void> delete() {
    return agent.delete();
  }

  /** GETs the cloud document as it is, without applying anything. */
  public CompletableFuture<ShadowDocument> fetch() {
    return agent.fetch();
  }

  /**
   * Finishes a schema migration once the new firmware is confirmed good (see {@link ShadowStateStore#commit()}).
   */
  public CompletableFuture<CommitResult> commit() {
    return agent.commit();
  }

  /** Stops the control thread and releases the subscriptions. Waiting futures fail with {@link MqttClosedException}. */
  @Override
  public void close() {
    agent.close();
  }

  /** Builds a {@link Shadow}. */
  public static final class Builder<S> {
    private final MqttClient mqtt;
    private final String thingName;
    private final KeyValueStore store;
    private final ShadowSchema<S> schema;
    private String shadowName;
    private ShadowOptions options = ShadowOptions.defaults();
    private ShadowListener<S> listener;
    private MqttRequester requester;

    private Builder(MqttClient mqtt, String thingName, KeyValueStore store, ShadowSchema<S> schema) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.thingName = AwsNames.requireThingName(thingName);
      this.store = Objects.requireNonNull(store, "store");
      this.schema = schema;
    }

    /** A named shadow (default: the classic shadow). */
    public Builder<S> name(String value) {
      this.shadowName = value == null ? null : AwsNames.requireShadowName(value);
      return this;
    }

    public Builder<S> options(ShadowOptions value) {
      this.options = Objects.requireNonNull(value, "options");
      return this;
    }

    /** Observes deltas, rejections, document changes and deletions (see {@link ShadowListener}). */
    public Builder<S> listener(ShadowListener<S> value) {
      this.listener = value;
      return this;
    }

    /**
     * Sends requests through this requester (shared by several shadows of one client) instead of one of its own;
     * the shadow does not close it.
     */
    public Builder<S> requester(MqttRequester value) {
      this.requester = value;
      return this;
    }

    @SuppressWarnings("unchecked")
    public Shadow<S> build() {
      ShadowTopics topics = ShadowTopics.of(options.topicPrefix(), thingName, shadowName);
      String scope = ShadowStateStore.scopeOf(thingName, shadowName);
      LocalState<S> local = schema == null
          ? (LocalState<S>) new JsonLocalState(store, scope)
          : new TypedLocalState<>(ShadowStateStore.open(store, scope, schema), options.ignoreUnknownFields());
      boolean owned = requester == null;
      MqttRequester r = owned ? new MqttRequester(mqtt) : requester;
      ShadowListener<S> l = listener != null ? listener : new ShadowListener<S>() {};
      return new Shadow<>(new ShadowAgent<>(mqtt, topics, options, local, r, owned, l), topics);
    }
  }
}
