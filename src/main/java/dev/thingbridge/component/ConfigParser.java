package dev.thingbridge.component;

import dev.thingbridge.component.ComponentConfig.Commands;
import dev.thingbridge.component.ComponentConfig.Connection;
import dev.thingbridge.component.ComponentConfig.Defender;
import dev.thingbridge.component.ComponentConfig.Jobs;
import dev.thingbridge.component.ComponentConfig.LocalApi;
import dev.thingbridge.component.ComponentConfig.Mcu;
import dev.thingbridge.component.ComponentConfig.Mqtt;
import dev.thingbridge.component.ComponentConfig.Ota;
import dev.thingbridge.component.ComponentConfig.Provisioning;
import dev.thingbridge.component.ComponentConfig.ShadowBackend;
import dev.thingbridge.component.ComponentConfig.Shadows;
import dev.thingbridge.sibling.LocalApiTopics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks every key of the component's configuration; see {@link ComponentConfig}. */
final class ConfigParser {
  private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");
  private static final Set<String> TOP_KEYS = Set.of("thingName", "things", "mqtt", "localApi", "stateDir",
      "logLevel", "connection", "shadows", "jobs", "commands", "ota", "mcus", "defender", "provisioning",
      "accessControl");
  private static final Pattern THING = Pattern.compile("[a-zA-Z0-9:_-]{1,128}");
  private static final Pattern SHADOW = Pattern.compile("[a-zA-Z0-9:_-]{1,64}");
  private static final Pattern MCU_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Set<String> FORMATS = Set.of("json", "cbor");
  private static final Set<String> FRAMINGS = Set.of("console", "raw");
  private static final ComponentConfig D = ComponentConfig.DEFAULTS;

  private ConfigParser() {}

  static ComponentConfig parse(Map<String, Object> map) {
    ConfigValues v = new ConfigValues(map, "");
    v.rejectUnknown(TOP_KEYS);
    String level = v.string("logLevel", D.logLevel()).toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw ComponentConfig.bad("logLevel", "must be one of error, warn, info, debug, trace", level);
    }
    String stateDir = v.string("stateDir", D.stateDir());
    if (stateDir.isBlank()) {
      throw ComponentConfig.bad("stateDir", "must not be empty", stateDir);
    }
    String thingName = v.string("thingName", "");
    if (!thingName.isEmpty()) {
      thing("thingName", thingName);
    }
    List<String> things = new ArrayList<>();
    for (String t : v.strings("things")) {
      things.add(thing("things", t));
    }
    List<Mcu> mcus = mcus(v);
    ComponentConfig c = new ComponentConfig(thingName, things, mqtt(v.section("mqtt")),
        localApi(v.section("localApi")), stateDir, level, connection(v), shadows(v.section("shadows")),
        jobs(v.section("jobs")), commands(v.section("commands")), ota(v.section("ota")), mcus,
        defender(v.section("defender")), provisioning(v.section("provisioning")));
    checkAcrossSections(c);
    return c;
  }

  private static Mqtt mqtt(ConfigValues m) {
    m.rejectUnknown(Set.of("maxPayloadBytes", "operationTimeoutSeconds"));
    return new Mqtt(m.integer("maxPayloadBytes", D.mqtt().maxPayloadBytes(), 1, ComponentConfig.MAX_PAYLOAD_BYTES),
        m.integer("operationTimeoutSeconds", D.mqtt().operationTimeoutSeconds(), 1, 300));
  }

  private static LocalApi localApi(ConfigValues l) {
    l.rejectUnknown(Set.of("enabled", "topicPrefix", "claimLeaseSeconds", "callTimeoutSeconds"));
    String prefix = l.string("topicPrefix", D.localApi().topicPrefix());
    try {
      LocalApiTopics.checkPrefix(prefix);
    } catch (IllegalArgumentException e) {
      throw ComponentConfig.bad("localApi.topicPrefix", "must be a topic without wildcards or leading/trailing '/'",
          prefix);
    }
    if (prefix.startsWith("$")) {
      throw ComponentConfig.bad("localApi.topicPrefix", "must not start with '$' (reserved for AWS IoT topics)",
          prefix);
    }
    return new LocalApi(l.bool("enabled", D.localApi().enabled()), prefix,
        l.integer("claimLeaseSeconds", D.localApi().claimLeaseSeconds(), 6, 3600),
        l.integer("callTimeoutSeconds", D.localApi().callTimeoutSeconds(), 1, 600));
  }

  private static Connection connection(ConfigValues v) {
    if (!v.has("connection")) {
      return null;
    }
    ConfigValues c = v.section("connection");
    c.rejectUnknown(Set.of("endpoint", "certFile", "keyFile", "caFile", "clientId"));
    String endpoint = c.string("endpoint", "");
    if (endpoint.isEmpty()) {
      return null;
    }
    String cert = c.string("certFile", "");
    String key = c.string("keyFile", "");
    if (cert.isEmpty()) {
      throw ComponentConfig.bad("connection.certFile", "is required with connection.endpoint", cert);
    }
    if (key.isEmpty()) {
      throw ComponentConfig.bad("connection.keyFile", "is required with connection.endpoint", key);
    }
    String ca = c.string("caFile", "");
    String clientId = c.string("clientId", "");
    return new Connection(endpoint, cert, key, ca.isEmpty() ? null : ca, clientId.isEmpty() ? null : clientId);
  }

  private static Shadows shadows(ConfigValues s) {
    s.rejectUnknown(Set.of("enabled", "backend", "classic", "names", "prefixes", "healthShadow"));
    String backend = s.oneOf("backend", "cloud", Set.of("cloud", "shadowManager"));
    List<String> names = new ArrayList<>();
    for (String n : s.strings("names")) {
      names.add(shadowName(s.path("names"), n));
    }
    List<String> prefixes = new ArrayList<>();
    for (String p : s.strings("prefixes")) {
      if (p.length() > 63) {
        throw ComponentConfig.bad(s.path("prefixes"), "entries must be at most 63 characters", p);
      }
      prefixes.add(shadowName(s.path("prefixes"), p));
    }
    for (String n : names) {
      for (String p : prefixes) {
        if (n.startsWith(p)) {
          throw ComponentConfig.bad(s.path("names"), "must not hold a shadow a prefix already covers ('" + p
              + "'), or it would be kept twice", n);
        }
      }
    }
    for (String p : prefixes) {
      for (String q : prefixes) {
        if (!p.equals(q) && p.startsWith(q)) {
          throw ComponentConfig.bad(s.path("prefixes"), "must not overlap ('" + q + "' covers it)", p);
        }
      }
    }
    String health = s.string("healthShadow", D.shadows().healthShadow());
    if (!health.isEmpty()) {
      shadowName(s.path("healthShadow"), health);
      if (names.contains(health) || prefixes.stream().anyMatch(health::startsWith)) {
        throw ComponentConfig.bad(s.path("healthShadow"), "must not be a kept shadow (names, prefixes)", health);
      }
    }
    return new Shadows(s.bool("enabled", D.shadows().enabled()),
        backend.equals("cloud") ? ShadowBackend.CLOUD : ShadowBackend.SHADOW_MANAGER,
        s.bool("classic", D.shadows().classic()), names, prefixes, health);
  }

  private static Jobs jobs(ConfigValues j) {
    j.rejectUnknown(Set.of("enabled", "handlerDir", "stepTimeoutSeconds", "claimWaitSeconds"));
    return new Jobs(j.bool("enabled", D.jobs().enabled()), j.string("handlerDir", ""),
        j.integer("stepTimeoutSeconds", 0, 0, 7 * 24 * 3600),
        j.integer("claimWaitSeconds", D.jobs().claimWaitSeconds(), 0, 3600));
  }

  private static Commands commands(ConfigValues c) {
    c.rejectUnknown(Set.of("enabled", "nameField", "format", "timeoutSeconds"));
    String field = c.string("nameField", D.commands().nameField());
    if (field.isEmpty()) {
      throw ComponentConfig.bad(c.path("nameField"), "must not be empty", field);
    }
    return new Commands(c.bool("enabled", D.commands().enabled()), field,
        c.oneOf("format", D.commands().format(), FORMATS),
        c.integer("timeoutSeconds", D.commands().timeoutSeconds(), 1, 12 * 3600));
  }

  private static Ota ota(ConfigValues o) {
    o.rejectUnknown(Set.of("enabled", "signingCertificate", "installDir"));
    return new Ota(o.bool("enabled", D.ota().enabled()), o.string("signingCertificate", ""),
        o.string("installDir", ""));
  }

  private static List<Mcu> mcus(ConfigValues v) {
    if (!v.has("mcus")) {
      return List.of();
    }
    ConfigValues all = v.section("mcus");
    List<Mcu> out = new ArrayList<>();
    Set<String> ports = new HashSet<>();
    for (String id : all.keys()) {
      if (!MCU_ID.matcher(id).matches()) {
        throw ComponentConfig.bad("mcus", "ids must be 1-64 of [a-zA-Z0-9_-]", id);
      }
      ConfigValues m = all.section(id);
      m.rejectUnknown(Set.of("port", "thing", "baud", "framing", "bufSize", "healthCheck", "healthCheckSeconds",
          "checkIntervalSeconds"));
      String port = m.string("port", "");
      if (port.isEmpty()) {
        throw ComponentConfig.bad(m.path("port"), "is required", port);
      }
      if (!ports.add(port)) {
        throw ComponentConfig.bad(m.path("port"), "is used by another MCU", port);
      }
      String thing = thing(m.path("thing"), m.string("thing", id));
      int bufSize = m.integer("bufSize", 0, 0, 65535);
      if (bufSize != 0 && bufSize < 64) {
        throw ComponentConfig.bad(m.path("bufSize"), "must be 64..65535, or 0 to ask the MCU", bufSize);
      }
      out.add(new Mcu(id, port, thing, m.integer("baud", 115200, 1200, 4_000_000),
          m.oneOf("framing", "console", FRAMINGS), bufSize, m.strings("healthCheck"),
          m.integer("healthCheckSeconds", 30, 1, 3600), m.integer("checkIntervalSeconds", 60, 0, 86_400)));
    }
    return out;
  }

  private static Defender defender(ConfigValues d) {
    d.rejectUnknown(Set.of("enabled", "intervalSeconds", "format"));
    return new Defender(d.bool("enabled", D.defender().enabled()),
        d.integer("intervalSeconds", D.defender().intervalSeconds(), 5, 48 * 3600),
        d.oneOf("format", D.defender().format(), FORMATS));
  }

  private static Provisioning provisioning(ConfigValues p) {
    p.rejectUnknown(Set.of("enabled"));
    return new Provisioning(p.bool("enabled", D.provisioning().enabled()));
  }

  private static void checkAcrossSections(ComponentConfig c) {
    Set<String> mcuThings = new HashSet<>();
    for (Mcu m : c.mcus()) {
      if (!mcuThings.add(m.thing())) {
        throw ComponentConfig.bad("mcus." + m.id() + ".thing", "is the thing of another MCU", m.thing());
      }
      if (m.thing().equals(c.thingName())) {
        throw ComponentConfig.bad("mcus." + m.id() + ".thing", "is the gateway's own thing", m.thing());
      }
    }
  }

  private static String thing(String key, String name) {
    if (!THING.matcher(name).matches()) {
      throw ComponentConfig.bad(key, "must be a thing name (1-128 of a-zA-Z0-9:_-)", name);
    }
    return name;
  }

  private static String shadowName(String key, String name) {
    if (!SHADOW.matcher(name).matches()) {
      throw ComponentConfig.bad(key, "entries must be shadow names (1-64 of a-zA-Z0-9:_-)", name);
    }
    return name;
  }
}
