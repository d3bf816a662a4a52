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

/**
 * The component's configuration: the recipe's {@code DefaultConfiguration} keys as merged by Greengrass
 * deployments (read with IPC {@code GetConfiguration}), or a YAML/JSON file outside Greengrass. Immutable;
 * every value is validated ({@link ConfigParser}), and a bad one fails with a {@link ConfigurationException}
 * naming its key, which is also what {@code SubscribeToValidateConfigurationUpdates} answers a deployment with.
 *
 * <p>Numbers and booleans may come as strings (the recipe quotes them) or as values (Gson doubles included).
 *
 * @param thingName the gateway's thing; empty means the nucleus' {@code AWS_IOT_THING_NAME}
 * @param things further things the component speaks for (besides the gateway's and the MCUs')
 * @param mqtt MQTT limits and timeouts
 * @param localApi the local publish/subscribe API served to sibling components
 * @param stateDir where persistent state lives, relative to the working directory ({@code {work:path}})
 * @param logLevel one of error, warn, info, debug, trace
 * @param connection the direct MQTT connection, used outside Greengrass only; null when not configured
 * @param shadows which shadows the component keeps, and through which backend
 * @param jobs how jobs are run
 * @param commands how commands are answered
 * @param ota OTA updates of the gateway and the MCUs
 * @param mcus the MCUs attached by serial, by id
 * @param defender Device Defender metrics reports
 * @param provisioning fleet provisioning by claim for attached devices
 */
public record ComponentConfig(
    String thingName, List<String> things, Mqtt mqtt, LocalApi localApi, String stateDir, String logLevel,
    Connection connection, Shadows shadows, Jobs jobs, Commands commands, Ota ota, List<Mcu> mcus,
    Defender defender, Provisioning provisioning) {

  /** AWS IoT Core's payload limit, also the nucleus' default. */
  public static final int MAX_PAYLOAD_BYTES = 128 * 1024;

  /** The recipe's defaults. */
  public static final ComponentConfig DEFAULTS = new ComponentConfig(
      "", List.of(), new Mqtt(MAX_PAYLOAD_BYTES, 10), new LocalApi(true, "thingbridge", 60, 30), "state", "info",
      null, new Shadows(true, ShadowBackend.CLOUD, true, List.of(), List.of(), "thingbridge"),
      new Jobs(true, "", 0, 10), new Commands(true, "name", "json", 60), new Ota(false, "", ""), List.of(),
      new Defender(false, 300, "json"), new Provisioning(false));

  public ComponentConfig {
    Objects.requireNonNull(thingName, "thingName");
    things = List.copyOf(things);
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(localApi, "localApi");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(shadows, "shadows");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(ota, "ota");
    mcus = List.copyOf(mcus);
    Objects.requireNonNull(defender, "defender");
    Objects.requireNonNull(provisioning, "provisioning");
  }

  /** MQTT settings. */
  public record Mqtt(int maxPayloadBytes, int operationTimeoutSeconds) {}

  /**
   * The local API for sibling components.
   *
   * @param enabled whether it is served
   * @param topicPrefix the first topic level(s)
   * @param claimLeaseSeconds how long a claim, watch or event subscription lasts without renewal
   * @param callTimeoutSeconds the longest one request may take before it is answered TIMEOUT
   */
  public record LocalApi(boolean enabled, String topicPrefix, int claimLeaseSeconds, int callTimeoutSeconds) {}

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

  /** Where shadow requests go. */
  public enum ShadowBackend {
    /** Straight to AWS IoT over the component's MQTT connection. */
    CLOUD,
    /** Through {@code aws.greengrass.ShadowManager}'s local shadows (IPC), which syncs them with the cloud. */
    SHADOW_MANAGER
  }

  /**
   * Shadows the component keeps: applies every delta and acknowledges it by reporting the desired values.
   *
   * @param enabled whether shadows (and the shadow API) are on
   * @param backend cloud or ShadowManager
   * @param classic whether the classic shadow of each thing is kept
   * @param names named shadows kept on each thing
   * @param prefixes named-shadow prefixes: every shadow whose name starts with one is kept, found at run time
   * @param healthShadow the named shadow of the gateway where the component reports its health and its MCUs;
   *     empty for none
   */
  public record Shadows(boolean enabled, ShadowBackend backend, boolean classic, List<String> names,
      List<String> prefixes, String healthShadow) {
    public Shadows {
      names = List.copyOf(names);
      prefixes = List.copyOf(prefixes);
    }
  }

  /**
   * Jobs of every hosted thing.
   *
   * @param enabled whether a job agent runs
   * @param handlerDir executables named by the document's {@code operation}, as {@code jobs handle} runs them;
   *     empty for none
   * @param stepTimeoutSeconds the step timeout sent with each claim, 0 for none
   * @param claimWaitSeconds how long a job no one handles waits for a sibling's claim before it is REJECTED
   */
  public record Jobs(boolean enabled, String handlerDir, int stepTimeoutSeconds, int claimWaitSeconds) {}

  /**
   * AWS IoT Commands of every hosted thing.
   *
   * @param enabled whether a command agent runs
   * @param nameField the payload field that names the command (what siblings claim)
   * @param format json or cbor
   * @param timeoutSeconds how long an execution waits for its sibling when the cloud gave no expiry
   */
  public record Commands(boolean enabled, String nameField, String format, int timeoutSeconds) {}

  /**
   * OTA updates ({@code afr_ota} jobs).
   *
   * @param enabled whether OTA jobs are taken
   * @param signingCertificate the code-signing certificate (PEM) files must be signed with; empty accepts unsigned
   * @param installDir where the gateway installs files, relative to the state directory; empty for the default
   */
  public record Ota(boolean enabled, String signingCertificate, String installDir) {}

  /**
   * An MCU attached by serial, speaking MCUmgr SMP.
   *
   * @param id its id (the key in {@code mcus})
   * @param port the serial port
   * @param thing its own thing in AWS IoT
   * @param baud the baud rate
   * @param framing {@code console} (base64 lines, the default) or {@code raw}
   * @param bufSize the MCU's SMP buffer size when it does not report it or reports it wrong; 0 asks the MCU
   * @param healthCheck the executable (and its arguments) that decides whether a new image is healthy, run with
   *     the port released (exit 0: healthy); empty for the default, an SMP echo
   * @param healthCheckSeconds the time the health check has
   * @param checkIntervalSeconds time between reachability checks (an SMP echo, never during a flash); 0 for none
   */
  public record Mcu(String id, String port, String thing, int baud, String framing, int bufSize,
      List<String> healthCheck, int healthCheckSeconds, int checkIntervalSeconds) {
    public Mcu {
      healthCheck = List.copyOf(healthCheck);
    }

    /** An MCU with every other setting at its default: console framing, the MCU's buffer size, an echo. */
    public Mcu(String id, String port, String thing, int baud) {
      this(id, port, thing, baud, "console", 0, List.of(), 30, 60);
    }
  }

  /**
   * Device Defender metrics.
   *
   * @param enabled whether reports are scheduled for every hosted thing
   * @param intervalSeconds time between reports (AWS's minimum is 300)
   * @param format json or cbor
   */
  public record Defender(boolean enabled, int intervalSeconds, String format) {}

  /** Fleet provisioning by claim, for devices behind the gateway (the local API's {@code provisioning/provision}). */
  public record Provisioning(boolean enabled) {}

  /** The direct connection, if one is configured. */
  public Optional<Connection> directConnection() {
    return Optional.ofNullable(connection);
  }

  /** Every thing the component speaks for, the gateway's ({@code gateway}) first, without repeats. */
  public List<String> hostedThings(String gateway) {
    List<String> out = new ArrayList<>();
    out.add(gateway);
    things.stream().filter(t -> !out.contains(t)).forEach(out::add);
    mcus.stream().map(Mcu::thing).filter(t -> !out.contains(t)).forEach(out::add);
    return List.copyOf(out);
  }

  /** A copy with another thing name. */
  public ComponentConfig withThingName(String value) {
    return new ComponentConfig(value, things, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, mcus, defender, provisioning);
  }

  /** A copy with other extra things. */
  public ComponentConfig withThings(List<String> value) {
    return new ComponentConfig(thingName, value, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, mcus, defender, provisioning);
  }

  /** A copy with another direct connection (null for none). */
  public ComponentConfig withConnection(Connection value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, value, shadows, jobs,
        commands, ota, mcus, defender, provisioning);
  }

  /** A copy with other MQTT settings. */
  public ComponentConfig withMqtt(Mqtt value) {
    return new ComponentConfig(thingName, things, value, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, mcus, defender, provisioning);
  }

  /** A copy with another jobs section. */
  public ComponentConfig withJobs(Jobs value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, connection, shadows, value,
        commands, ota, mcus, defender, provisioning);
  }

  /** A copy with another OTA section. */
  public ComponentConfig withOta(Ota value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, value, mcus, defender, provisioning);
  }

  /** A copy with other MCUs. */
  public ComponentConfig withMcus(List<Mcu> value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, value, defender, provisioning);
  }

  /** A copy with another Defender section. */
  public ComponentConfig withDefender(Defender value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, mcus, value, provisioning);
  }

  /** A copy with another provisioning section. */
  public ComponentConfig withProvisioning(Provisioning value) {
    return new ComponentConfig(thingName, things, mqtt, localApi, stateDir, logLevel, connection, shadows, jobs,
        commands, ota, mcus, defender, value);
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
    return ConfigParser.parse(map);
  }

  /** Human-readable differences, one {@code key: old -> new} per changed section or value. */
  public List<String> changesFrom(ComponentConfig old) {
    List<String> out = new ArrayList<>();
    diff(out, "thingName", old.thingName, thingName);
    diff(out, "things", old.things, things);
    diff(out, "mqtt.maxPayloadBytes", old.mqtt.maxPayloadBytes, mqtt.maxPayloadBytes);
    diff(out, "mqtt.operationTimeoutSeconds", old.mqtt.operationTimeoutSeconds, mqtt.operationTimeoutSeconds);
    diff(out, "localApi", old.localApi, localApi);
    diff(out, "stateDir", old.stateDir, stateDir);
    diff(out, "logLevel", old.logLevel, logLevel);
    diff(out, "connection", old.connection, connection);
    diff(out, "shadows", old.shadows, shadows);
    diff(out, "jobs", old.jobs, jobs);
    diff(out, "commands", old.commands, commands);
    diff(out, "ota", old.ota, ota);
    diff(out, "mcus", old.mcus, mcus);
    diff(out, "defender", old.defender, defender);
    diff(out, "provisioning", old.provisioning, provisioning);
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
}
