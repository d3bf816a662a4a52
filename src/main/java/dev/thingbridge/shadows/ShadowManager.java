package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.shadows.ShadowTopic.Kind;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * Many named shadows of one thing, all of one state type, whose names share a prefix: one shadow per MCU behind a
 * gateway ({@code mcu-0017}, {@code mcu-0018}, ...), with ids known only at run time. The manager keeps each
 * one's state locally (persisted field by field through a {@link ShadowStateStore} in the shared
 * {@link KeyValueStore}, scope {@code thing~name}), applies every delta the cloud sends through the typed model,
 * and acknowledges it so the cloud's delta empties. Each shadow follows the same rules as a {@link Shadow}
 * (skipped echoes and stale deltas, rejected parts, acknowledgements carrying the document version, GET
 * reconciliation); what differs is that all of them share one subscription, one thread and one request pace.
 *
 * <p>What it does on the wire (AWS IoT Device Shadow service, named shadows):
 *
 * <ul>
 *   <li>One subscription, made once, for all shadows: {@code $aws/things/{thing}/shadow/name/+/update/delta} and
 *       {@code .../name/+/delete/accepted} (QoS 1). It lives as long as the manager, so no delta is missed
 *       between calls; names without the prefix are ignored.
 *   <li>Per-shadow GET, UPDATE and DELETE at QoS 1 with a fresh {@code clientToken} to match the reply; their
 *       reply subscriptions are wildcards too, made on first use and kept. Requests are paced (a rate and an
 *       in-flight limit, because AWS throttles per thing and per connection) and a throttled one (429) is
 *       retried with back-off.
 *   <li>A delta for a new id registers that shadow (its first delta creates it locally). A delta caused by this
 *       manager's own update is recognised by its token and skipped; one older than the version already applied
 *       is skipped. A part of a delta that does not fit the type is reported with its path and left out; the rest
 *       is applied. An acknowledgement carries the version it acknowledges: one delayed by an outage while the
 *       shadow was deleted is refused (409) instead of re-creating it, and the shadow is fetched again.
 *   <li>{@code /delete/accepted} removes the shadow's local state, unless a newer version of the shadow has been
 *       seen since (a shadow deleted and re-created in the cloud stays).
 *   <li>At {@link #start()}: optional discovery ({@link ShadowDiscovery}, e.g. {@code ListNamedShadowsForThing})
 *       registers the cloud's shadows and removes local ones the cloud no longer has; then each is fetched
 *       (GET) and its pending delta applied.
 *   <li>After the broker lost the session, the client renews the subscriptions and the manager re-fetches every
 *       shadow: after a random delay (jitter, so a fleet of gateways does not resync at once) and at the
 *       request rate, with urgent work (acknowledgements, the application's calls) going first.
 * </ul>
 *
 * <p>Per shadow the manager holds the state object and a few fields; no subscription, thread or timer, so a
 * thousand shadows are cheap. Threads: {@code thingbridge-shadows-manager-<thing>} (every decision and every
 * listener call) and, during discovery, {@code thingbridge-shadows-manager-<thing>-discovery}; both end with
 * {@link #close()}.
 * The manager does not close the MQTT client, the store or the discovery.
 *
 * @param <S> the state type of every managed shadow
 */
public final class ShadowManager<S> implements AutoCloseable {
  private final MqttClient mqtt;
  private final String namePrefix;
  private final String thingName;
  private final String topicPrefix;
  private final ManagerRuntime runtime;
  private final ManagedShadows<S> shadows;
  private final ResyncScheduler<S> resync;
  private final ShadowEventRouter<S> router;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Subscription events;

  private ShadowManager(Builder<S> b) {
    this.mqtt = b.mqtt;
    this.namePrefix = b.namePrefix;
    this.thingName = AwsNames.requireThingName(b.thingName != null ? b.thingName : mqtt.clientId());
    this.topicPrefix = b.topicPrefix;
    this.runtime = new ManagerRuntime(mqtt, topicPrefix, thingName, b.requestsPerSecond, b.maxInFlight,
        b.requestTimeout);
    this.shadows = new ManagedShadows<>(b.schema, namePrefix,
        b.store != null ? b.store : new InMemoryKeyValueStore(), b.listener, b.ignoreUnknownFields,
        b.clearRejectedDesired, runtime);
    this.resync = new ResyncScheduler<>(shadows, runtime, b.discovery, b.resyncJitter);
    this.router = new ShadowEventRouter<>(shadows, runtime, topicPrefix);
  }

  /**
   * A builder for a manager of the shadows named {@code namePrefix + id} on the client's thing.
   *
   * @param namePrefix the part every managed shadow name starts with ({@code "mcu-"}); may be empty to manage
   *     every named shadow of the thing
   */
  public static <S> Builder<S> builder(MqttClient mqtt, Class<S> stateType, String namePrefix) {
    return new Builder<>(mqtt, ShadowSchema.of(stateType), namePrefix);
  }

  /**
   * A builder for a manager of untyped shadows: each state is a JSON object, deltas merge into it as AWS merges
   * updates and are acknowledged by reporting them back as they came (what {@link Shadow#untyped} does for one
   * shadow). What the thingbridge component keeps for a configured name prefix.
   */
  public static Builder<ObjectNode> untyped(MqttClient mqtt, String namePrefix) {
    return new Builder<>(mqtt, null, namePrefix);
  }

  /** The thing whose shadows are managed. */
  public String thingName() {
    return thingName;
  }

  /** The shadow name prefix. */
  public String namePrefix() {
    return namePrefix;
  }

  /** The full shadow name of an id. */
  public String shadowName(String id) {
    return namePrefix + id;
  }

  /**
   * Subscribes to the wildcard delta and delete topics, discovers the cloud's shadows (if a discovery is
   * configured), registers them and the ones found in the store, and fetches each from the cloud. Deltas are
   * handled from the moment the subscription is acknowledged.
   *
   * @return completes when every shadow has been fetched once (fetches that failed are listed in the report and
   *     given to the listener); fails only if the subscription failed
   * @throws IllegalStateException if called twice
   */
  public CompletableFuture<ShadowSyncReport> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the shadow manager is already started");
    }
    SubscriptionListener events = new SubscriptionListener() {
      @Override
      public void onMessage(MqttMessage message) {
        runtime.onControl(() -> router.route(message));
      }

      @Override
      public void onSessionLost() {
        runtime.onControl(resync::resyncAfterSessionLoss);
      }
    };
    List<SubscriptionFilter> filters = List.of(
        SubscriptionFilter.of(ShadowTopics.namedShadowsFilter(topicPrefix, thingName, Kind.UPDATE_DELTA),
            QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(ShadowTopics.namedShadowsFilter(topicPrefix, thingName, Kind.DELETE_ACCEPTED),
            QoS.AT_LEAST_ONCE));
    return mqtt.subscribe(filters, events)
        .thenCompose(sub -> {
          this.events = sub;
          return resync.startUp();
        });
  }

  /** The ids of every managed shadow, sorted. */
  public Set<String> ids() {
    return shadows.ids();
  }

  /** Whether a shadow is managed. */
  public boolean isManaged(String id) {
    return shadows.isManaged(id);
  }

  /** The local state of a managed shadow. */
  public Optional<S> state(String id) {
    return shadows.state(id);
  }

  /** The local states of every managed shadow, by id. */
  public Map<String, S> states() {
    return shadows.states();
  }

  /**
   * Manages a shadow from now on (an MCU was attached): loads its local state, fetches the cloud's document and
   * applies its delta; if the cloud has no such shadow, creates it with the full local desired and reported
   * state (so the document never starts as a one-field stub).
   *
   * @return the state once in step with the cloud; fails with {@link ShadowException} when the service rejects
   *     the request, or the MQTT layer's exception
   * @throws IllegalArgumentException if {@code namePrefix + id} is not a valid shadow name
   */
  public CompletableFuture<S> add(String id) {
    return shadows.add(id);
  }

  /**
   * Synchronises a managed shadow with the cloud, as {@link Shadow#sync()} does: GETs it and applies and
   * acknowledges its pending delta.
   *
   * @return the state afterwards; fails with {@link ShadowException}: {@link ShadowErrorCode#NOT_MANAGED}, or
   *     {@link ShadowErrorCode#NOT_FOUND} when the cloud no longer has it (which also removes it locally)
   */
  public CompletableFuture<S> sync(String id) {
    return shadows.sync(id);
  }

  /**
   * Changes a managed shadow's state on the device and reports it: {@code change} gets the current state (after
   * every delta applied so far) and returns the new one; the changed fields are persisted, then published as
   * {@code reported}. Nothing is published when nothing changed.
   *
   * @return the new state once the service accepted the report
   */
  public CompletableFuture<S> updateReported(String id, UnaryOperator<S> change) {
    return shadows.update(id, change, false);
  }

  /**
   * Changes a managed shadow's desired state from the device (a local override) and reports the same values,
   * in one update, so no delta stays pending for them. Report-only fields go to {@code reported} only.
   *
   * @return the new state once the service accepted the update
   */
  public CompletableFuture<S> updateDesired(String id, UnaryOperator<S> change) {
    return shadows.update(id, change, true);
  }

  /**
   * Deletes a managed shadow in the cloud (a 404 counts as done) and then its local state; it is no longer
   * managed. A later delta for the id (the cloud re-created it) makes it managed again from defaults.
   */
  public CompletableFuture<Void> delete(String id) {
    return shadows.delete(id);
  }

  /**
   * Re-fetches every managed shadow, paced, as after a session loss but without the jitter.
   *
   * @return completes when every fetch has finished
   */
  public CompletableFuture<ShadowSyncReport> resyncAll() {
    return resync.resyncAll();
  }

  /** Requests queued behind the rate and in-flight limits (for metrics and tests). */
  public int queuedRequests() {
    return runtime.queuedRequests();
  }

  /** Ends the subscriptions and the manager's threads; pending operations fail with {@link MqttClosedException}. */
  @Override
  public void close() {
    runtime.close(events);
  }

  /** Configures a {@link ShadowManager}. */
  public static final class Builder<S> {
    private final MqttClient mqtt;
    private final ShadowSchema<S> schema;
    private final String namePrefix;
    private String thingName;
    private String topicPrefix = "$aws";
    private KeyValueStore store;
    private ShadowDiscovery discovery;
    private ShadowManagerListener<S> listener = new ShadowManagerListener<>() {};
    private Duration requestTimeout = Duration.ofSeconds(30);
    private double requestsPerSecond = 10;
    private int maxInFlight = 5;
    private Duration resyncJitter = Duration.ofSeconds(5);
    private boolean ignoreUnknownFields;
    private boolean clearRejectedDesired;

    private Builder(MqttClient mqtt, ShadowSchema<S> schema, String namePrefix) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.schema = schema; // null: untyped
      Objects.requireNonNull(namePrefix, "namePrefix");
      if (!namePrefix.isEmpty() && (namePrefix.length() > 63 || !AwsNames.isShadowName(namePrefix))) {
        throw new IllegalArgumentException("the name prefix must be 0-63 of [a-zA-Z0-9:_-]: " + namePrefix);
      }
      this.namePrefix = namePrefix;
    }

    /** The thing (default: the MQTT client id, as AWS IoT and Greengrass use it). */
    public Builder<S> thingName(String value) {
      this.thingName = Objects.requireNonNull(value, "thingName");
      return this;
    }

    /** The topic prefix (default {@code $aws}). */
    public Builder<S> topicPrefix(String value) {
      ShadowTopics.of(value, "x", null); // validates
      this.topicPrefix = value;
      return this;
    }

    /** Where the shadows' states are kept (default: in memory). The manager does not close it. */
    public Builder<S> store(KeyValueStore value) {
      this.store = Objects.requireNonNull(value, "store");
      return this;
    }

    /** How to list the cloud's shadows at start (default: none; shadows come from the store and deltas). */
    public Builder<S> discovery(ShadowDiscovery value) {
      this.discovery = Objects.requireNonNull(value, "discovery");
      return this;
    }

    public Builder<S> listener(ShadowManagerListener<S> value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** How long each request waits for its reply (default 30 s). */
    public Builder<S> requestTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = value;
      return this;
    }

    /**
     * The request pace: at most {@code perSecond} requests started per second and {@code maxInFlight} waiting
     * for replies (default 10/s and 5: AWS throttles shadow requests per thing and refuses more than 10 in
     * flight per connection, which other services on the connection share).
     */
    public Builder<S> requestRate(double perSecond, int maxInFlight) {
      if (!(perSecond > 0) || maxInFlight < 1) {
        throw new IllegalArgumentException("rate and in-flight limit must be positive");
      }
      this.requestsPerSecond = perSecond;
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** The longest random delay before the resync after a session loss (default 5 s; zero for none). */
    public Builder<S> resyncJitter(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("resyncJitter must not be negative");
      }
      this.resyncJitter = value;
      return this;
    }

    /**
     * Apply what the type knows of a delta and skip unknown keys (a newer cloud config than this firmware)
     * instead of rejecting the whole delta. Default: reject.
     */
    public Builder<S> ignoreUnknownFields(boolean value) {
      this.ignoreUnknownFields = value;
      return this;
    }

    /**
     * When a delta is rejected, remove the offending key from the cloud's desired state ({@code null} at its
     * path), so it stops coming back in every later delta. Default: leave it for the operator to fix.
     */
    public Builder<S> clearRejectedDesired(boolean value) {
      this.clearRejectedDesired = value;
      return this;
    }

    public ShadowManager<S> build() {
      return new ShadowManager<>(this);
    }
  }
}
