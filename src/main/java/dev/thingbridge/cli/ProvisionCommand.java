package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.provisioning.CertificateSource;
import dev.thingbridge.provisioning.FileCredentialStore;
import dev.thingbridge.provisioning.FleetProvisioner;
import dev.thingbridge.provisioning.KeyAlgorithm;
import dev.thingbridge.provisioning.ProvisioningResult;
import dev.thingbridge.provisioning.ProvisioningTopics;
import dev.thingbridge.provisioning.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge provision}: fleet provisioning by claim. Connected with the claim certificate (the usual
 * connection flags), it gets the device a certificate of its own, writes it to {@code --out} before
 * registering, registers the thing with the template and prints one JSON line with the thing name, the
 * certificate id and the device configuration.
 */
@Command(name = "provision",
    description = {"Provision a device by claim (AWS IoT fleet provisioning): with the claim certificate as --cert/--key,",
        "get a certificate of the device's own, write certificate.pem.crt, private.pem.key (0600; none with",
        "--csr-file) and thing.json to --out, register the thing with --template, and print",
        "{\"thingName\",\"certificateId\",\"deviceConfiguration\"}. A rejection exits 1 with AWS's code and message."})
final class ProvisionCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--template", required = true, paramLabel = "TEMPLATE",
      description = "The provisioning template (1-36 of A-Z, a-z, 0-9, '_', '-').")
  String template;

  @Option(names = "--param", paramLabel = "KEY=VALUE",
      description = "A template parameter (repeat for more): --param SerialNumber=SN-001.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @ArgGroup(exclusive = true)
  Csr csr;

  /** Where the key comes from when it is not the cloud's. */
  static final class Csr {
    @Option(names = "--csr", arity = "0..1", fallbackValue = "ec-p256", paramLabel = "ALGORITHM",
        converter = AlgorithmConverter.class,
        description = "Make the key pair here and send a CSR (CreateCertificateFromCsr): ec-p256 (the default) or "
            + "rsa-2048. Without --csr or --csr-file the cloud makes the key (CreateKeysAndCertificate).")
    KeyAlgorithm algorithm;

    @Option(names = "--csr-file", paramLabel = "FILE",
        description = "Send this CSR (PEM) as it is; no private key is handled or written.")
    Path file;
  }

  @Option(names = "--format", defaultValue = "json", paramLabel = "FORMAT",
      description = "Payload format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  FormatOption format;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where to write certificate.pem.crt, private.pem.key and thing.json (created if missing; must "
          + "not hold credentials already).")
  Path out;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10", converter = DurationConverter.class,
      description = "How long each step waits for its reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = "--attempts", paramLabel = "N", defaultValue = "5",
      description = "Tries of each step in all: a throttling rejection, a server error or a timeout is tried again "
          + "after 1 s, 2 s, 4 s, 8 s... (±20 %%, at most 30 s); 1 tries once (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Override
  public Integer call() throws Exception {
    try {
      ProvisioningTopics.checkTemplateName(template);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--template: " + e.getMessage());
    }
    if (attempts < 1) {
      throw new UsageException("--attempts must be at least 1: " + attempts);
    }
    CertificateSource source = source();
    Path dir = StateDirs.check("--out", out);
    for (String existing : new String[] {FileCredentialStore.CERTIFICATE_FILE, FileCredentialStore.PRIVATE_KEY_FILE}) {
      if (Files.exists(dir.resolve(existing))) {
        throw new UsageException("--out " + out + " already holds " + existing + "; choose another directory or "
            + "remove it first");
      }
    }
    ProvisioningResult<JsonNode> result;
    try (MqttClient mqtt = connection.connect();
        FleetProvisioner provisioner = FleetProvisioner.builder(mqtt, template).parameters(parameters)
            .format(format.payloadFormat()).certificateSource(source).credentialStore(new FileCredentialStore(dir))
            .stepTimeout(timeout).retryPolicy(retryPolicy()).build()) {
      result = JobsCommand.await(provisioner.provision());
    }
    ObjectNode line = JsonNodeFactory.instance.objectNode().put("thingName", result.thingName())
        .put("certificateId", result.certificateId());
    line.set("deviceConfiguration", result.rawDeviceConfiguration().orElse(JsonNodeFactory.instance.objectNode()));
    output.event(line);
    return ExitCodes.OK;
  }

  private RetryPolicy retryPolicy() {
    RetryPolicy d = RetryPolicy.DEFAULT;
    return new RetryPolicy(attempts, d.initialDelay(), d.maxDelay(), d.multiplier(), d.jitter());
  }

  private CertificateSource source() {
    if (csr == null) {
      return CertificateSource.cloudKeys();
    }
    if (csr.file == null) {
      return CertificateSource.generatedKey(csr.algorithm);
    }
    try {
      return CertificateSource.csr(Files.readString(csr.file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UsageException("--csr-file " + csr.file + " cannot be read: " + ExitCodes.message(e), e);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--csr-file " + csr.file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code --csr}'s algorithm: {@code ec-p256} or {@code rsa-2048}. */
  static final class AlgorithmConverter implements CommandLine.ITypeConverter<KeyAlgorithm> {
    @Override
    public KeyAlgorithm convert(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "ec-p256", "ec" -> KeyAlgorithm.EC_P256;
        case "rsa-2048", "rsa" -> KeyAlgorithm.RSA_2048;
        default -> throw new CommandLine.TypeConversionException("'" + value + "' is not ec-p256 or rsa-2048");
      };
    }
  }
}
