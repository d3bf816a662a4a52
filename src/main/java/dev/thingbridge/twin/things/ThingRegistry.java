package dev.thingbridge.twin.things;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.twin.http.AwsApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The twin's thing registry: names, ids, ARNs and attributes, like AWS IoT's registry (without thing types,
 * groups or certificates).
 *
 * <p>Not thread-safe: it is read and written only under the twin's lock, by {@link ThingsService} (which
 * persists it) and by services that resolve thing ARNs (jobs). Give each such service this instance
 * explicitly.
 */
public final class ThingRegistry {
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-zA-Z0-9_.,@/:#=\\[\\]-]{1,128}");
  private static final Pattern ATTRIBUTE_VALUE = Pattern.compile("[a-zA-Z0-9_.,@/:#=\\[\\]-]{0,800}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  /** AWS allows 50 attributes on a thing with a type (3 without); the twin does not model types. */
  public static final int MAX_ATTRIBUTES = 50;

  private final String region;
  private final String account;
  private final TreeMap<String, Thing> things = new TreeMap<>();

  /** A registry with AWS's example account in us-east-1. */
  public ThingRegistry() {
    this("us-east-1", "123456789012");
  }

  /**
   * A registry whose ARNs name this region and account.
   *
   * @throws IllegalArgumentException if either is malformed
   */
  public ThingRegistry(String region, String account) {
    if (!REGION.matcher(Objects.requireNonNull(region)).matches()) {
      throw new IllegalArgumentException("not an AWS region: " + region);
    }
    if (!ACCOUNT.matcher(Objects.requireNonNull(account)).matches()) {
      throw new IllegalArgumentException("an AWS account id has 12 digits, got " + account);
    }
    this.region = region;
    this.account = account;
  }

  public String region() {
    return region;
  }

  public String account() {
    return account;
  }

  /** The ARN a thing of this name has (whether or not it exists). */
  public String thingArn(String thingName) {
    return "arn:aws:iot:" + region + ":" + account + ":thing/" + thingName;
  }

  /** An ARN for another resource type in this region and account, e.g. {@code job/fw-1}. */
  public String arn(String resource) {
    return "arn:aws:iot:" + region + ":" + account + ":" + resource;
  }

  /**
   * The thing name an ARN of this region and account names, or empty if the ARN names no thing here.
   */
  public Optional<String> thingNameOf(String arn) {
    String prefix = thingArn("");
    if (arn == null || !arn.startsWith(prefix)) {
      return Optional.empty();
    }
    String name = arn.substring(prefix.length());
    return AwsNames.isThingName(name) ? Optional.of(name) : Optional.empty();
  }

  /** The thing of this name, if registered. */
  public Optional<Thing> find(String thingName) {
    return Optional.ofNullable(things.get(thingName));
  }

  /**
   * CreateThing: registers a thing. Creating a thing that exists with the same type and attributes returns
   * it unchanged (AWS's idempotent create); with different ones it is refused.
   *
   * @throws AwsApiException InvalidRequestException for a bad name or attributes,
   *     ResourceAlreadyExistsException (409) for a different thing of that name
   */
  public Thing create(String thingName, String thingTypeName, Map<String, String> attributes) {
    requireValidName(thingName);
    Map<String, String> attrs = validAttributes(attributes);
    Thing existing = things.get(thingName);
    if (existing != null) {
      if (existing.attributes().equals(attrs) && Objects.equals(existing.thingTypeName(), thingTypeName)) {
        return existing;
      }
      throw new AwsApiException(409, "ResourceAlreadyExistsException",
          "Thing " + thingName + " already exists in account with different attributes");
    }
    Thing thing = new Thing(thingName, UUID.randomUUID().toString(), thingArn(thingName), thingTypeName, attrs, 1);
    things.put(thingName, thing);
    return thing;
  }

  /**
   * DescribeThing.
   *
   * @throws AwsApiException ResourceNotFoundException if there is no such thing
   */
  public Thing describe(String thingName) {
    Thing thing = things.get(thingName);
    if (thing == null) {
      throw AwsApiException.notFound("Thing " + thingName + " cannot be found.");
    }
    return thing;
  }

  /** Every thing by name, optionally only those whose attribute {@code name} equals (or starts with) a value. */
  public List<Thing> list(String attributeName, String attributeValue, boolean prefix, String thingTypeName) {
    List<Thing> out = new ArrayList<>();
    for (Thing t : things.values()) {
      if (thingTypeName != null && !thingTypeName.equals(t.thingTypeName())) {
        continue;
      }
      if (attributeName != null) {
        String v = t.attributes().get(attributeName);
        if (v == null || (attributeValue != null && !(prefix ? v.startsWith(attributeValue) : v.equals(attributeValue)))) {
          continue;
        }
      }
      out.add(t);
    }
    return out;
  }

  /** Throws InvalidRequestException unless the name follows AWS's thing-name rule. */
  public static void requireValidName(String thingName) {
    if (thingName == null || !AwsNames.isThingName(thingName)) {
      throw AwsApiException.invalidRequest("Thing name must be 1-128 characters of [a-zA-Z0-9:_-], got '"
          + thingName + "'");
    }
  }

  static Map<String, String> validAttributes(Map<String, String> attributes) {
    Map<String, String> out = new LinkedHashMap<>(attributes == null ? Map.of() : attributes);
    if (out.size() > MAX_ATTRIBUTES) {
      throw AwsApiException.invalidRequest("A thing has at most " + MAX_ATTRIBUTES + " attributes");
    }
    out.forEach((k, v) -> {
      if (k == null || !ATTRIBUTE_NAME.matcher(k).matches()) {
        throw AwsApiException.invalidRequest("Invalid attribute name: " + k);
      }
      if (v == null || !ATTRIBUTE_VALUE.matcher(v).matches()) {
        throw AwsApiException.invalidRequest("Invalid value for attribute " + k);
      }
    });
    return out;
  }

  /** Every thing, by name. */
  java.util.Collection<Thing> all() {
    return java.util.Collections.unmodifiableCollection(things.values());
  }

  /** Adds or replaces a thing read from the store. */
  void put(Thing thing) {
    things.put(thing.thingName(), thing);
  }

  void clear() {
    things.clear();
  }

  /** The registry as JSON (the state file of older versions). */
  public JsonNode snapshot() {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (Thing t : things.values()) {
      ObjectNode n = list.addObject();
      n.put("thingName", t.thingName()).put("thingId", t.thingId()).put("version", t.version());
      if (t.thingTypeName() != null) {
        n.put("thingTypeName", t.thingTypeName());
      }
      ObjectNode attrs = n.putObject("attributes");
      t.attributes().forEach(attrs::put);
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("things", list);
    return root;
  }

  /** Replaces the content with what {@link #snapshot()} produced (entries that fail validation are skipped). */
  public void restore(JsonNode snapshot) {
    things.clear();
    for (JsonNode n : snapshot.path("things")) {
      String name = n.path("thingName").asText("");
      if (!AwsNames.isThingName(name)) {
        continue;
      }
      Map<String, String> attrs = new LinkedHashMap<>();
      n.path("attributes").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
      String type = n.hasNonNull("thingTypeName") ? n.get("thingTypeName").asText() : null;
      things.put(name, new Thing(name, n.path("thingId").asText(UUID.randomUUID().toString()), thingArn(name), type,
          attrs, n.path("version").asLong(1)));
    }
  }
}
