package dev.thingbridge.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The component's configuration: the recipe's {@code DefaultConfiguration} keys as merged by Greengrass
 * deployments (read with IPC {@code GetConfiguration}), or a YAML/JSON file outside Greengrass. Immutable;
 * every value is validated, and a bad one fails with a {@link ConfigurationException} naming its key.
 *
 * <p>Numbers may come as strings (the recipe quotes them) or as numbers (Gson doubles included, 10.0 is 10).
 *
 * @param thingName the thing name; empty means the nucleus' {@code AWS_IOT_THING_NAME}
 * @param mqtt MQTT limits and timeouts
 * @param localApi the local publish/subscribe API served to sibling components
 * @param stateDir where persistent state lives, relative to the working directory ({@code {work:path}})
 * @param logLevel one of error, warn, info, debug, trace
 * @param connection the direct MQTT connection, used outside Greengrass only; null when not configured
 */
public record ComponentConfig(
    String thingName, Mqtt mqtt, LocalApi localApi, String stateDir, String logLevel, Connection connection) {

  /** AWS IoT Core's payload limit, also the nucleus' default. */
  public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
  private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");
  private static final Set<String> TOP_KEYS =
      Set.of("thingName", "mqtt", "localApi", "stateDir", "logLevel", "connection", "accessControl");

  /** The recipe's defaults. */
  public static final ComponentConfig DEFAULTS = new ComponentConfig(
      "", new Mqtt(MAX_PAYLOAD_BYTES, 10), new LocalApi("thingbridge"), "state", "info", null);

  public ComponentConfig {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(localApi, "localApi");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(logLevel, "logLevel");
  }

  /** MQTT settings. */
  public record Mqtt(int maxPayloadBytes, int operationTimeoutSeconds) {}

  /** The local API. */
  public record LocalApi(String topicPrefix) {}

  /**
   * A direct MQTT connection to AWS IoT Core (outside Greengrass).
   *
   * @param endpoint the account's ATS data endpoint, {@code host} or {@code host:port}
   * @param certFile the device certificate (PEM)
   * @param keyFile the private key (PEM)
   * @param caFile the root CA (PEM); null for the system trust store
   * @param clientId the MQTT client id; null for the thing name
   */
  public record Connection(String endpoint, String certFile, String keyFile, String caFile, String clientId) {}

  /** The direct connection, if one is configured. */
  public Optional<Connection> directConnection() {
    return Optional.ofNullable(connection);
  }

  /** Parses a YAML or JSON configuration file (the DefaultConfiguration map itself). */
  @SuppressWarnings("unchecked")
  public static ComponentConfig fromFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException("configuration file " + file + " does not exist");
    }
    Object tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
    } catch (IOException e) {
      throw new ConfigurationException("configuration file " + file + " is not valid YAML or JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null) {
      return DEFAULTS;
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new ConfigurationException("configuration file " + file + " must hold a map of settings");
    }
    return fromMap((Map<String, Object>) tree);
  }

  /** Parses a configuration map (from GetConfiguration or a file); missing keys take the defaults. */
  public static ComponentConfig fromMap(Map<String, Object> map) {
    Values v = new Values(map, "");
    v.rejectUnknown(TOP_KEYS);
    Values mqtt = v.section("mqtt");
    mqtt.rejectUnknown(Set.of("maxPayloadBytes", "operationTimeoutSeconds"));
    Values local = v.section("localApi");
    local.rejectUnknown(Set.of("topicPrefix"));
    String prefix = local.string("topicPrefix", DEFAULTS.localApi.topicPrefix);
    if (prefix.isEmpty() || prefix.matches(".*[+#*].*") || prefix.startsWith("/") || prefix.endsWith("/")) {
      throw bad("localApi.topicPrefix", "must be a topic without wildcards or leading/trailing '/'", prefix);
    }
    String level = v.string("logLevel", DEFAULTS.logLevel).toLowerCase(java.util.Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw bad("logLevel", "must be one of error, warn, info, debug, trace", level);
    }
    String stateDir = v.string("stateDir", DEFAULTS.stateDir);
    if (stateDir.isBlank()) {
      throw bad("stateDir", "must not be empty", stateDir);
    }
    return new ComponentConfig(
        v.string("thingName", ""),
        new Mqtt(mqtt.integer("maxPayloadBytes", DEFAULTS.mqtt.maxPayloadBytes, 1, MAX_PAYLOAD_BYTES),
            mqtt.integer("operationTimeoutSeconds", DEFAULTS.mqtt.operationTimeoutSeconds, 1, 300)),
        new LocalApi(prefix), stateDir, level, connection(v));
  }

  private static Connection connection(Values v) {
    if (!v.has("connection")) {
      return null;
    }
    Values c = v.section("connection");
    c.rejectUnknown(Set.of("endpoint", "certFile", "keyFile", "caFile", "clientId"));
    String endpoint = c.string("endpoint", "");
    if (endpoint.isEmpty()) {
      return null;
    }
    String cert = c.string("certFile", "");
    String key = c.string("keyFile", "");
    if (cert.isEmpty()) {
      throw bad("connection.certFile", "is required with connection.endpoint", cert);
    }
    if (key.isEmpty()) {
      throw bad("connection.keyFile", "is required with connection.endpoint", key);
    }
    String ca = c.string("caFile", "");
    String clientId = c.string("clientId", "");
    return new Connection(endpoint, cert, key, ca.isEmpty() ? null : ca, clientId.isEmpty() ? null : clientId);
  }

  /** Human-readable differences, one {@code key: old -> new} per changed value. */
  public List<String> changesFrom(ComponentConfig old) {
    List<String> out = new ArrayList<>();
    diff(out, "thingName", old.thingName, thingName);
    diff(out, "mqtt.maxPayloadBytes", old.mqtt.maxPayloadBytes, mqtt.maxPayloadBytes);
    diff(out, "mqtt.operationTimeoutSeconds", old.mqtt.operationTimeoutSeconds, mqtt.operationTimeoutSeconds);
    diff(out, "localApi.topicPrefix", old.localApi.topicPrefix, localApi.topicPrefix);
    diff(out, "stateDir", old.stateDir, stateDir);
    diff(out, "logLevel", old.logLevel, logLevel);
    diff(out, "connection", old.connection, connection);
    return out;
  }

  private static void diff(List<String> out, String key, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(key + ": " + before + " -> " + after);
    }
  }

  static ConfigurationException bad(String key, String rule, Object value) {
    return new ConfigurationException("configuration: " + key + " " + rule + ", got \"" + value + "\"");
  }

  /** A typed view of one level of the configuration map. */
  private record Values(Map<String, Object> map, String prefix) {
    boolean has(String key) {
      return map.get(key) != null;
    }

    void rejectUnknown(Set<String> known) {
      for (String key : map.keySet()) {
        if (!known.contains(key)) {
          throw new ConfigurationException("configuration: unknown key " + prefix + key);
        }
      }
    }

    @SuppressWarnings("unchecked")
    Values section(String key) {
      Object v = map.get(key);
      if (v == null) {
        return new Values(Map.of(), prefix + key + ".");
      }
      if (!(v instanceof Map<?, ?>)) {
        throw bad(prefix + key, "must be a map", v);
      }
      return new Values((Map<String, Object>) v, prefix + key + ".");
    }

    String string(String key, String fallback) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      if (v instanceof Map<?, ?> || v instanceof List<?>) {
        throw bad(prefix + key, "must be a single value", v);
      }
      return String.valueOf(v).trim();
    }

    int integer(String key, int fallback, int min, int max) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      double d;
      try {
        d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw bad(prefix + key, "must be an integer between " + min + " and " + max, v);
      }
      if (d != Math.rint(d) || d < min || d > max) {
        throw bad(prefix + key, "must be an integer between " + min + " and " + max, v);
      }
      return (int) d;
    }
  }
}
