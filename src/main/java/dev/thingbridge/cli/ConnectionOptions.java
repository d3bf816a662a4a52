package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The connection flags every command that talks MQTT shares ({@code mqtt}, {@code jobs}, {@code shadow},
 * {@code commands}): a picocli mixin. {@link #connect()} opens a direct MQTT 5 connection with them.
 */
public final class ConnectionOptions {
  @Option(scope = CommandLine.ScopeType.INHERIT, names = {"--endpoint", "--broker"}, paramLabel = "URI", converter = EndpointConverter.class,
      description = "Broker: mqtt://host:port or mqtts://host:port (AWS IoT: mqtts://<prefix>-ats.iot.<region>"
          + ".amazonaws.com).")
  MqttEndpoint endpoint;

  @Option(scope = CommandLine.ScopeType.INHERIT, names = "--cert", paramLabel = "PEM", description = "Client certificate (PEM) for mutual TLS.")
  Path certificate;

  @Option(scope = CommandLine.ScopeType.INHERIT, names = "--key", paramLabel = "PEM", description = "Client private key (PEM, PKCS#1, PKCS#8 or SEC1).")
  Path privateKey;

  @Option(scope = CommandLine.ScopeType.INHERIT, names = "--ca", paramLabel = "PEM", description = "CA bundle (PEM) to trust instead of the system store.")
  Path certificateAuthority;

  @Option(scope = CommandLine.ScopeType.INHERIT, names = "--client-id", paramLabel = "ID", description = "MQTT client id (default: thingbridge-cli-<random>).")
  String clientId;

  @Option(scope = CommandLine.ScopeType.INHERIT, names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class, description = "How long to try to connect (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  /**
   * Uses {@code id} as the client id unless {@code --client-id} was given (AWS IoT policies commonly tie
   * the client id to the thing name).
   */
  public ConnectionOptions defaultClientId(String id) {
    if (clientId == null) {
      clientId = id;
    }
    return this;
  }

  /** The client id given, or a random {@code thingbridge-cli-xxxxxxxx}. */
  public String clientId() {
    if (clientId == null) {
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      clientId = "thingbridge-cli-" + HexFormat.of().formatHex(random);
    }
    return clientId;
  }

  public MqttEndpoint endpoint() {
    return endpoint;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The client options these flags describe.
   *
   * @throws UsageException if a file is missing, only one of --cert/--key is given, or TLS files come with
   *     a plain endpoint
   */
  public CrtMqttOptions toOptions() {
    if (endpoint == null) {
      throw new UsageException("--endpoint is required (mqtt://host:port or mqtts://host:port)");
    }
    if ((certificate == null) != (privateKey == null)) {
      throw new UsageException("--cert and --key go together");
    }
    requireFile("--cert", certificate);
    requireFile("--key", privateKey);
    requireFile("--ca", certificateAuthority);
    try {
      CrtMqttOptions.Builder b = CrtMqttOptions.builder(endpoint, clientId());
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
   * Connects and returns the client; the caller closes it.
   *
   * @throws UsageException for bad flags or unreadable TLS files (exit code 2)
   * @throws dev.thingbridge.mqtt.MqttRefusedException if the broker refused the CONNECT (exit code 3)
   * @throws MqttNotConnectedException if the connection failed or did not come up in time (exit code 3)
   */
  public MqttClient connect() throws InterruptedException {
    CrtMqttOptions options = toOptions();
    try {
      return CrtMqttClient.connect(options, connectTimeout);
    } catch (MqttTimeoutException e) {
      throw new MqttNotConnectedException(
          "could not connect to " + endpoint + " within " + DurationText.of(connectTimeout), e);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static void requireFile(String flag, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new UsageException(flag + " file is missing or unreadable: " + file);
    }
  }

  /** Parses {@code --endpoint}. */
  static final class EndpointConverter implements CommandLine.ITypeConverter<MqttEndpoint> {
    @Override
    public MqttEndpoint convert(String value) {
      try {
        return MqttEndpoint.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
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
