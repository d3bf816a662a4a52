package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinCommitException;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.shadows.ShadowServiceTopics.Operation;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of the AWS IoT Device Shadow service: classic and named shadows, answered over MQTT on the
 * reserved {@code $aws/things/{thing}/shadow[/name/{shadow}]/...} topics, over HTTP as the AWS IoT data plane
 * ({@code GetThingShadow}, {@code UpdateThingShadow}, {@code DeleteThingShadow},
 * {@code ListNamedShadowsForThing}, {@code Publish}) and through the plain-Java methods below.
 *
 * <p>Behaviour follows AWS: deep merge with {@code null} deleting keys, atomic arrays with per-element
 * metadata, a version that grows by one on every accepted update (optimistic locking on request),
 * {@code /update/delta} and {@code /update/documents} after accepted updates, the clientToken echoed on every
 * reply, epoch-second timestamps and AWS's error codes and messages. Sizes, depth and rates come from the
 * twin's {@link TwinLimits}; choices AWS leaves open are {@link ShadowSettings}.
 *
 * <p>Updates and deletes made through the plain-Java or HTTP API publish exactly the notifications an MQTT
 * request would (accepted, delta, documents); their rejections are returned, never published, as AWS does
 * for its REST API.
 *
 * <p>Threading: device requests of different things run concurrently ({@link #concurrentByThing()}); the
 * plain-Java methods run under the twin's lock ({@link TwinContext#exclusive}, or {@link TwinContext#read} for
 * get and list) and may be called from any thread once the service is part of a started twin.
 */
public final class ShadowsService implements TwinService {
  private static final Logger log = LoggerFactory.getLogger(ShadowsService.class);
  private static final byte[] EMPTY = new byte[0];

  private final ShadowSettings settings;
  private final ShadowEngine engine;
  private volatile TwinContext context;

  /** A service with the default (documented AWS) settings. */
  public ShadowsService() {
    this(ShadowSettings.DEFAULTS);
  }

  public ShadowsService(ShadowSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.engine = new ShadowEngine(settings, this::limits);
  }

  @Override
  public String name() {
    return "shadows";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = Objects.requireNonNull(ctx);
  }

  /** The settings this service runs with. */
  public ShadowSettings settings() {
    return settings;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return ShadowServiceTopics.requestFilters(QoS.AT_LEAST_ONCE);
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    Optional<ShadowServiceTopics.Request> parsed = ShadowServiceTopics.parseRequest(request.topic());
    if (parsed.isEmpty()) {
      log.debug("twin shadows: ignored a message on {}", request.topic());
      return false;
    }
    ShadowServiceTopics.Request r = parsed.get();
    long now = nowSeconds();
    ShadowOutcome outcome = run(r, request.payload(), now);
    if (outcome instanceof ShadowOutcome.Accepted a) {
      if (a.changed()) {
        engine.save(r.thingName(), r.shadowName(), out);
      }
      out.publish(message(r.accepted(), a.reply()));
      a.notifications().forEach(p -> out.publish(MqttMessage.of(p.topic(), p.payload(), QoS.AT_LEAST_ONCE)));
      return a.changed();
    }
    ShadowOutcome.Rejected rejected = (ShadowOutcome.Rejected) outcome;
    out.publish(message(r.rejected(), rejected.document(now)));
    return false;
  }

  private ShadowOutcome run(ShadowServiceTopics.Request r, byte[] payload, long now) {
    try {
      return engine.handle(r, payload, now);
    } catch (RuntimeException e) {
      log.warn("twin shadows: {} on {} failed: {}", r.operation(), r.topic(), e.toString(), e);
      return new ShadowOutcome.Rejected(500, "Internal service failure", null);
    }
  }

  @Override
  public boolean tick(Instant now, TwinOutbox out) {
    return engine.expireDeleted(now.getEpochSecond(), out);
  }

  @Override
  public List<Route> routes() {
    return new ShadowsRoutes(this).routes();
  }

  /** Device requests only change memory; the commit comes after, off this call. */
  @Override
  public boolean handlesQuickly() {
    return true;
  }

  @Override
  public boolean concurrentByThing() {
    return true;
  }

  @Override
  public void answerInternalFailure(MqttMessage request, TwinOutbox out) {
    ShadowServiceTopics.parseRequest(request.topic()).ifPresent(r -> out.publish(message(r.rejected(),
        new ShadowOutcome.Rejected(500, "Internal service failure", ShadowEngine.clientTokenOf(request.payload(),
            limits().maxShadowDepth())).document(nowSeconds()))));
  }

  @Override
  public StoreSchema schema() {
    return ShadowEngine.SCHEMA;
  }

  @Override
  public void load(StoreReader store) {
    engine.load(store);
  }

  @Override
  public void importJson(JsonNode state, TwinOutbox out) {
    engine.restore(state);
    engine.saveAll(out);
  }

  // ---- plain-Java control plane -------------------------------------------------------------------

  /**
   * {@code GetThingShadow}: the full document (state with delta, metadata, version, timestamp).
   *
   * @param shadowName a named shadow, or {@link ShadowServiceTopics#CLASSIC} / null for the classic shadow
   * @throws ShadowServiceException 404 when the shadow does not exist (or another documented rejection)
   * @throws IllegalArgumentException for an invalid thing or shadow name
   */
  public ObjectNode get(String thingName, String shadowName) {
    return perform(new ShadowServiceTopics.Request(thingName, orClassic(shadowName), Operation.GET), EMPTY, false);
  }

  /**
   * {@code UpdateThingShadow}: merges a request document ({@code {"state": {...}, "version"?,
   * "clientToken"?}}) and returns the accepted document; publishes accepted, delta and documents.
   *
   * @throws ShadowServiceException for every documented rejection (400, 409, 413, ...)
   */
  public ObjectNode update(String thingName, String shadowName, JsonNode document) {
    return update(thingName, shadowName, ShadowJson.bytes(document));
  }

  /** {@link #update(String, String, JsonNode)} from raw bytes, validated like an MQTT payload. */
  public ObjectNode update(String thingName, String shadowName, byte[] document) {
    return perform(new ShadowServiceTopics.Request(thingName, orClassic(shadowName), Operation.UPDATE),
        document.clone(), true);
  }

  /**
   * {@code DeleteThingShadow}: deletes the shadow (its version is kept for a re-created one) and returns
   * {@code {"version", "timestamp"}}; publishes {@code /delete/accepted}.
   *
   * @throws ShadowServiceException 404 when the shadow does not exist
   */
  public ObjectNode delete(String thingName, String shadowName) {
    return perform(new ShadowServiceTopics.Request(thingName, orClassic(shadowName), Operation.DELETE), EMPTY, true);
  }

  /**
   * {@code ListNamedShadowsForThing}: one page of a thing's named shadows in name order.
   *
   * @param nextToken the previous page's token, or null for the first page
   * @param pageSize 1-100, or null for the default (25)
   * @throws ShadowServiceException 400 for a bad page size or token
   */
  public NamedShadowPage listNamedShadows(String thingName, String nextToken, Integer pageSize) {
    AwsNames.requireThingName(thingName);
    return read(() -> engine.listNamed(thingName, nextToken, pageSize, nowSeconds()));
  }

  /** Every named shadow of a thing, in name order. */
  public List<String> listNamedShadows(String thingName) {
    List<String> all = new ArrayList<>();
    String token = null;
    do {
      NamedShadowPage page = listNamedShadows(thingName, token, ShadowEngine.MAX_PAGE_SIZE);
      all.addAll(page.results());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  /**
   * The data plane's {@code Publish}: the message goes out through the twin's MQTT client, and a publish on
   * a request topic of any of the twin's services (shadow, jobs, commands) also reaches that service, which
   * answers as to a device (see {@link TwinContext#publish}).
   *
   * @return completes when the broker has the message (QoS 1) or it is sent (QoS 0)
   */
  public CompletableFuture<Void> publish(MqttMessage message) {
    TwinContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("the shadow service is not part of a twin yet");
    }
    return ctx.publish(this, message);
  }

  /** The twin's limits (relaxed until the service is attached). */
  public TwinLimits limits() {
    TwinContext ctx = context;
    return ctx == null ? TwinLimits.RELAXED : ctx.limits();
  }

  private ObjectNode perform(ShadowServiceTopics.Request r, byte[] payload, boolean publishReply) {
    ShadowOutcome outcome;
    if (r.operation() == Operation.GET) {
      // A get changes no persistent state (only the in-memory request rate): a read, nothing to save.
      outcome = read(() -> run(r, payload, nowSeconds()));
    } else {
      outcome = exclusive(out -> {
        ShadowOutcome o = run(r, payload, nowSeconds());
        if (o instanceof ShadowOutcome.Accepted a) {
          if (a.changed()) {
            engine.save(r.thingName(), r.shadowName(), out);
          }
          if (publishReply) {
            out.publish(message(r.accepted(), a.reply()));
            a.notifications().forEach(p -> out.publish(MqttMessage.of(p.topic(), p.payload(), QoS.AT_LEAST_ONCE)));
          }
        }
        return o;
      });
    }
    if (outcome instanceof ShadowOutcome.Rejected rejected) {
      throw new ShadowServiceException(rejected.code(), rejected.message());
    }
    return ((ShadowOutcome.Accepted) outcome).reply();
  }

  private <R> R exclusive(Function<TwinOutbox, R> operation) {
    TwinContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("the shadow service is not part of a twin yet");
    }
    try {
      return ctx.exclusive(this, operation);
    } catch (TwinCommitException e) {
      throw new ShadowServiceException(500, "Internal service failure");
    }
  }

  private <R> R read(Supplier<R> operation) {
    TwinContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("the shadow service is not part of a twin yet");
    }
    try {
      return ctx.read(this, operation);
    } catch (TwinCommitException e) {
      throw new ShadowServiceException(500, "Internal service failure");
    }
  }

  private long nowSeconds() {
    TwinContext ctx = context;
    return (ctx == null ? Instant.now() : ctx.now()).getEpochSecond();
  }

  private static String orClassic(String shadowName) {
    return shadowName == null ? ShadowServiceTopics.CLASSIC : shadowName;
  }

  private static MqttMessage message(String topic, ObjectNode document) {
    return MqttMessage.of(topic, ShadowJson.bytes(document), QoS.AT_LEAST_ONCE);
  }
}
