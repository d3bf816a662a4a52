package dev.thingbridge.twin.things;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.Row;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The twin's thing registry as a service: AWS IoT's CreateThing, DescribeThing and ListThings, in plain Java
 * and as HTTP routes shaped like the AWS IoT API. It answers no MQTT topics.
 *
 * <p>The plain-Java methods run under the twin's lock (through {@link TwinContext#exclusive}) and throw
 * {@link AwsApiException} with AWS's error types. State is kept in the twin's {@code things} table, one row per
 * thing.
 */
public final class ThingsService implements TwinService {
  private static final String THING_PATH = "/things/(?<thingName>[^/]+)";
  /** One row per thing; {@code attributes} is a JSON object. */
  static final Table THINGS = Table.of("things", 1, "thing_name", "thing_id", "thing_type", "attributes", "version");
  private static final StoreSchema SCHEMA = StoreSchema.of("things", List.of(THINGS), Migration.sql(
      "CREATE TABLE things (thing_name TEXT PRIMARY KEY, thing_id TEXT NOT NULL, thing_type TEXT,"
          + " attributes TEXT NOT NULL, version INTEGER NOT NULL)"));
  private final ThingRegistry registry;
  private TwinContext context;

  /** A service over this registry (share the same instance with the jobs service). */
  public ThingsService(ThingRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public String name() {
    return "things";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  /** The registry this service persists. */
  public ThingRegistry registry() {
    return registry;
  }

  /** CreateThing (see {@link ThingRegistry#create}). */
  public Thing createThing(String thingName, String thingTypeName, Map<String, String> attributes) {
    if (context == null) {
      throw new IllegalStateException("the things service is not part of a twin yet");
    }
    return context.exclusive(this, out -> createThing(thingName, thingTypeName, attributes, out));
  }

  /**
   * CreateThing as part of another service's operation (fleet provisioning's RegisterThing): the caller holds
   * the twin's lock, and the row goes out through the caller's outbox, committed with the rest of its change.
   */
  public Thing createThing(String thingName, String thingTypeName, Map<String, String> attributes, TwinOutbox out) {
    boolean existed = registry.find(thingName).isPresent();
    Thing t = registry.create(thingName, thingTypeName, attributes);
    if (!existed) {
      save(t, out);
    }
    return t;
  }

  /**
   * Replaces an existing thing's type and attributes as part of another service's operation (a provisioning
   * template's {@code OverrideSettings} REPLACE or MERGE); the version goes up by one.
   *
   * @throws AwsApiException ResourceNotFoundException if there is no such thing, InvalidRequestException for
   *     attributes AWS would refuse
   */
  public Thing updateThing(String thingName, String thingTypeName, Map<String, String> attributes, TwinOutbox out) {
    Thing old = registry.describe(thingName);
    Thing t = new Thing(thingName, old.thingId(), old.thingArn(), thingTypeName,
        ThingRegistry.validAttributes(attributes), old.version() + 1);
    registry.put(t);
    save(t, out);
    return t;
  }

  /** CreateThing without type or attributes. */
  public Thing createThing(String thingName) {
    return createThing(thingName, null, Map.of());
  }

  /** DescribeThing; throws ResourceNotFoundException if absent. */
  public Thing describeThing(String thingName) {
    return read(() -> registry.describe(thingName));
  }

  /**
   * ListThings, by name, with AWS's attribute filter.
   *
   * @param maxResults page size 1-250 (null: 50)
   * @param nextToken from the previous page, or null
   */
  public ThingPage listThings(String attributeName, String attributeValue, Integer maxResults, String nextToken) {
    return listThings(attributeName, attributeValue, false, null, maxResults, nextToken);
  }

  private ThingPage listThings(String attributeName, String attributeValue, boolean prefix, String type,
      Integer maxResults, String nextToken) {
    if (attributeValue != null && attributeName == null) {
      throw AwsApiException.invalidRequest("attributeValue requires attributeName");
    }
    List<Thing> all = read(() -> registry.list(attributeName, attributeValue, prefix, type));
    Paging.Page<Thing> page = Paging.page(all, maxResults, nextToken,
        "things|" + attributeName + "|" + attributeValue + "|" + prefix + "|" + type, 50);
    return new ThingPage(page.items(), page.nextToken());
  }

  private <R> R read(java.util.function.Supplier<R> op) {
    if (context == null) {
      throw new IllegalStateException("the things service is not part of a twin yet");
    }
    return context.read(this, op);
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of();
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    return false;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        Route.of("CreateThing", "POST", THING_PATH, this::createRoute),
        Route.of("DescribeThing", "GET", THING_PATH, r -> ApiJson.ok(describeJson(describeThing(r.pathParam("thingName"))))),
        Route.of("ListThings", "GET", "/things", this::listRoute));
  }

  private ApiResponse createRoute(ApiRequest r) {
    ObjectNode body = ApiJson.body(r);
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode payload = body.path("attributePayload").path("attributes");
    if (!payload.isMissingNode() && !payload.isNull()) {
      if (!payload.isObject()) {
        throw AwsApiException.invalidRequest("attributePayload.attributes must be an object");
      }
      payload.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().isTextual()
          ? e.getValue().asText() : null));
    }
    Thing t = createThing(r.pathParam("thingName"), ApiJson.text(body, "thingTypeName"), attributes);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.put("thingName", t.thingName()).put("thingArn", t.thingArn()).put("thingId", t.thingId());
    return ApiJson.ok(out);
  }

  private ApiResponse listRoute(ApiRequest r) {
    ThingPage page = listThings(r.queryParam("attributeName").orElse(null), r.queryParam("attributeValue").orElse(null),
        ApiJson.boolParam(r, "usePrefixAttributeValue"), r.queryParam("thingTypeName").orElse(null),
        Paging.intParam("maxResults", r.queryParam("maxResults").orElse(null)), r.queryParam("nextToken").orElse(null));
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    var list = out.putArray("things");
    for (Thing t : page.things()) {
      ObjectNode n = list.addObject();
      n.put("thingName", t.thingName());
      if (t.thingTypeName() != null) {
        n.put("thingTypeName", t.thingTypeName());
      }
      n.put("thingArn", t.thingArn());
      ObjectNode attrs = n.putObject("attributes");
      t.attributes().forEach(attrs::put);
      n.put("version", t.version());
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  private static ObjectNode describeJson(Thing t) {
    ObjectNode n = ApiJson.MAPPER.createObjectNode();
    n.put("defaultClientId", t.thingName()).put("thingName", t.thingName()).put("thingId", t.thingId())
        .put("thingArn", t.thingArn());
    if (t.thingTypeName() != null) {
      n.put("thingTypeName", t.thingTypeName());
    }
    ObjectNode attrs = n.putObject("attributes");
    t.attributes().forEach(attrs::put);
    n.put("version", t.version());
    return n;
  }

  @Override
  public StoreSchema schema() {
    return SCHEMA;
  }

  @Override
  public void load(StoreReader store) {
    registry.clear();
    store.query("SELECT * FROM things ORDER BY thing_name", row -> registry.put(thing(row)));
  }

  @Override
  public void importJson(JsonNode state, TwinOutbox out) {
    registry.restore(state);
    registry.all().forEach(t -> save(t, out));
  }

  private static void save(Thing t, TwinOutbox out) {
    ObjectNode attrs = ApiJson.MAPPER.createObjectNode();
    t.attributes().forEach(attrs::put);
    out.save(THINGS, t.thingName(), t.thingId(), t.thingTypeName(), attrs.toString(), t.version());
  }

  private Thing thing(Row row) {
    String name = row.text("thing_name");
    Map<String, String> attrs = new LinkedHashMap<>();
    try {
      ApiJson.MAPPER.readTree(row.text("attributes")).fields()
          .forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      throw new IllegalStateException("things: the attributes of " + name + " are unreadable: " + e.getMessage(), e);
    }
    return new Thing(name, row.text("thing_id"), registry.thingArn(name), row.text("thing_type"), attrs,
        row.longValue("version"));
  }
}
