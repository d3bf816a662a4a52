package dev.thingbridge.cli;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.nio.NioMqttClient;
import dev.thingbridge.mqtt.nio.NioMqttOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The broker flags every MQTT command shares: {@code --endpoint} (default {@value #DEFAULT_ENDPOINT}, or
 * {@code THINGBRIDGE_ENDPOINT}), {@code --cert}, {@code --key}, {@code --ca} (or {@code THINGBRIDGE_CERT},
 * {@code _KEY}, {@code _CA}) and {@code --connect-timeout}. The subclass adds {@code --client-id} with the
 * default that fits the command: {@link ConnectionOptions} for one-off commands, {@link
 * DeviceConnectionOptions} for the long-running device roles.
 */
public abstract class BrokerOptions {
  /** Where the commands connect when neither {@code --endpoint} nor {@code THINGBRIDGE_ENDPOINT} says. */
  public static final String DEFAULT_ENDPOINT = "mqtt://127.0.0.1:1883";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @EnvironmentDefault("THINGBRIDGE_ENDPOINT")
  @Option(names = "--endpoint", paramLabel = "URI", defaultValue = DEFAULT_ENDPOINT,
      converter = EndpointConverter.class,
      description = "The broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; a bare HOST[:PORT] means mqtts "
          + "(as AWS IoT's -ats data endpoint). Env THINGBRIDGE_ENDPOINT. Default: ${DEFAULT-VALUE}.")
  MqttEndpoint endpoint;

  // A field of its own: picocli applies --endpoint's default after the options a user gave, so a setter that
  // wrote into `endpoint` would be overwritten.
  @Option(names = "--broker", hidden = true, paramLabel = "URI", converter = EndpointConverter.class,
      description = "Old spelling of --endpoint.")
  MqttEndpoint brokerAlias;

  @EnvironmentDefault("THINGBRIDGE_CERT")
  @Option(names = "--cert", paramLabel = "PEM",
      description = "Client certificate (PEM) for mutual TLS. Env THINGBRIDGE_CERT.")
  Path certificate;

  @EnvironmentDefault("THINGBRIDGE_KEY")
  @Option(names = "--key", paramLabel = "PEM",
      description = "Client private key (PEM: PKCS#1, PKCS#8 or SEC1). Env THINGBRIDGE_KEY.")
  Path privateKey;

  @EnvironmentDefault("THINGBRIDGE_CA")
  @Option(names = "--ca", paramLabel = "PEM",
      description = "CA bundle (PEM) to trust instead of the system store. Env THINGBRIDGE_CA.")
  Path certificateAuthority;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class, description = "How long to try to connect (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  /** The {@code --client-id} given, or null. */
  abstract String clientIdFlag();

  /**
   * Whether {@link #open} connects with the Java NIO client instead of aws-crt's: only the twin does, and only
   * for plain {@code mqtt://} unless told otherwise.
   */
  boolean usesJavaClient() {
    return false;
  }

  public MqttEndpoint endpoint() {
    return brokerAlias != null ? brokerAlias : endpoint;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The client options these flags describe, with {@code clientId}.
   *
   * @throws UsageException if a file is missing or only one of --cert/--key is given
   */
  CrtMqttOptions toOptions(String clientId) {
    if ((certificate == null) != (privateKey == null)) {
      throw new UsageException("--cert and --key go together");
    }
    requireFile("--cert", certificate);
    requireFile("--key", privateKey);
    requireFile("--ca", certificateAuthority);
    try {
      CrtMqttOptions.Builder b = CrtMqttOptions.builder(endpoint(), clientId);
      if (certificate != null) {
        b.clientCertificate(certificate, privateKey);
      }
      if (certificateAuthority != null) {
        b.certificateAuthority(certificateAuthority);
      }
      return b.connectTimeout(connectTimeout.compareTo(Duration.ofMillis(100)) < 0
              ? Duration.ofMillis(100) : connectTimeout).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Connects as {@code clientId} and returns the client; the caller closes it. Tests' connector, when the
   * command line has one, replaces the flags.
   *
   * @throws UsageException for unreadable TLS files (exit code 2)
   * @throws dev.thingbridge.mqtt.MqttRefusedException if the broker refused the CONNECT (exit code 3)
   * @throws MqttNotConnectedException if the connection failed or did not come up in time (exit code 3)
   */
  MqttClient open(String clientId) throws InterruptedException {
    ThingBridgeCommand root = ThingBridgeCommand.of(mixee);
    if (root.connector().isPresent()) {
      return root.connector().get().connect(clientId);
    }
    CrtMqttOptions options = toOptions(clientId);
    try {
      if (usesJavaClient()) {
        return NioMqttClient.connect(NioMqttOptions.from(options), connectTimeout);
      }
      root.exit().nativeRuntimeUsed();
      return CrtMqttClient.connect(options, connectTimeout);
    } catch (MqttTimeoutException e) {
      throw new MqttNotConnectedException(
          "could not connect to " + endpoint() + " within " + DurationText.of(connectTimeout), e);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * {@link #open} for a long-running command: a connection the broker takes over (another client with the
   * same id) or keeps closing right after connecting ends {@code stop} with {@link ConnectionTakenOverException}.
   */
  MqttClient openWatched(String clientId, StopSignal stop) throws InterruptedException {
    MqttClient client = open(clientId);
    ConnectionListener watch = new TakeoverWatch(client.clientId(), endpoint(), stop::fail);
    client.addConnectionListener(watch);
    return client;
  }

  private static void requireFile(String flag, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new UsageException(flag + " file is missing or unreadable: " + file);
    }
  }

  /** Parses {@code --endpoint}: an {@code mqtt://} or {@code mqtts://} URI, or a bare HOST[:PORT] (TLS). */
  static final class EndpointConverter implements CommandLine.ITypeConverter<MqttEndpoint> {
    @Override
    public MqttEndpoint convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }

    /** The endpoint {@code value} names; a value without a scheme is {@code mqtts://value}. */
    static MqttEndpoint parse(String value) {
      String v = value.strip();
      return MqttEndpoint.parse(v.contains("://") ? v : "mqtts://" + v);
    }
  }

  /** Short human form of a duration for messages. */
  static final class DurationText {
    private DurationText() {}

    static String of(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
  }
}
