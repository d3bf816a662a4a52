package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Pki;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ota create}: creates an OTA update on the twin through its HTTP API (CreateOTAUpdate). */
@Command(name = "create",
    description = {"Create an OTA update on the twin (CreateOTAUpdate) for a file on this machine, signed with "
        + "--sign-key, and print its job id.",
        "The twin reads the file where it is when devices download it."})
final class OtaCreateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--thing", required = true, split = ",", paramLabel = "THING",
      description = "Target thing(s), repeated or separated by commas.")
  List<String> things;

  @Option(names = "--file", required = true, paramLabel = "FILE", description = "The file to send.")
  Path file;

  @Option(names = "--protocol", defaultValue = "mqtt", split = ",", paramLabel = "MQTT|HTTP",
      description = "How devices download it (default: ${DEFAULT-VALUE}; mqtt,http for both).")
  List<String> protocols;

  @Option(names = "--sign-key", paramLabel = "PEM",
      description = "Private key (PKCS#8 or SEC1 PEM, EC or RSA) to sign the file with (sig-sha256-ecdsa/-rsa).")
  Path signKey;

  @Option(names = "--certfile", paramLabel = "PATH",
      description = "The job's certfile: the certificate the device checks the signature with (in its trust folder).")
  String certfile;

  @Option(names = "--filepath", paramLabel = "PATH", description = "Where the device puts it (default: the file's name).")
  String filepath;

  @Option(names = "--file-type", paramLabel = "N", defaultValue = "0", description = "fileType: 0 for firmware (default), other numbers for "
      + "other files.")
  int fileType;

  @Option(names = "--id", paramLabel = "ID", description = "The OTA update id (default: a random one).")
  String id;

  @Option(names = "--url-expiry", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30m",
      description = "How long HTTP download URLs are good for, 1m-1h (default: ${DEFAULT-VALUE}).")
  Duration urlExpiry;

  @EnvironmentDefault("THINGBRIDGE_API")
  @Option(names = "--api", paramLabel = "URL", defaultValue = OtaCommand.DEFAULT_API,
      description = "The twin's HTTP API. Env THINGBRIDGE_API. Default: ${DEFAULT-VALUE}.")
  String api;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--file is not a file: " + file);
    }
    String updateId = id != null ? id : "cli-" + HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(4)
        .putInt(new java.security.SecureRandom().nextInt()).array());
    TwinApi twin = new TwinApi(OtaCommand.api(api));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode targets = body.putArray("targets");
    try {
      for (String t : things) {
        targets.add(twin.get("/things/" + TwinApi.segment(t)).path("thingArn").asText());
      }
      ArrayNode p = body.putArray("protocols");
      for (String proto : protocols) {
        String up = proto.toUpperCase(java.util.Locale.ROOT);
        if (!up.equals("MQTT") && !up.equals("HTTP")) {
          throw new UsageException("--protocol must be mqtt or http: " + proto);
        }
        p.add(up);
      }
      body.put("roleArn", "arn:aws:iam::123456789012:role/thingbridge-local");
      body.putObject("awsJobPresignedUrlConfig").put("expiresInSec", urlExpiry.toSeconds());
      body.putArray("files").add(fileEntry());
      String jobId = twin.post("/otaUpdates/" + TwinApi.segment(updateId), body).path("awsIotJobId").asText();
      spec.commandLine().getOut().println(jobId);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    } catch (TwinApi.Failure e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return e.status == 400 ? ExitCodes.USAGE : ExitCodes.FAILURE;
    } catch (TwinApi.Unreachable e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.CONNECTION;
    }
  }

  private ObjectNode fileEntry() throws IOException {
    ObjectNode f = JSON.createObjectNode();
    f.put("fileName", filepath != null ? filepath : file.getFileName().toString());
    f.put("fileType", fileType);
    f.putObject("fileLocation").putObject("s3Location").put("bucket", "local")
        .put("key", file.toAbsolutePath().normalize().toString());
    if (signKey != null) {
      PrivateKey key = readKey(signKey);
      boolean ec = Pki.isEc(key);
      ObjectNode custom = f.putObject("codeSigning").putObject("customCodeSigning");
      custom.putObject("signature").put("inlineDocument", sign(key));
      if (certfile != null) {
        custom.putObject("certificateChain").put("certificateName", certfile);
      }
      custom.put("hashAlgorithm", "SHA256");
      custom.put("signatureAlgorithm", ec ? "ECDSA" : "RSA");
    }
    return f;
  }

  private String sign(PrivateKey key) throws IOException {
    try {
      return Base64.getEncoder().encodeToString(Pki.signFile(key, file));
    } catch (GeneralSecurityException e) {
      throw new UsageException("--sign-key cannot sign: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path pem) throws IOException {
    if (!Files.isRegularFile(pem)) {
      throw new UsageException("--sign-key is not a file: " + pem);
    }
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      Object o;
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      while ((o = p.readObject()) != null) {
        if (o instanceof PrivateKeyInfo info) {
          return c.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return c.getKeyPair(pair).getPrivate();
        }
      }
    }
    throw new UsageException("--sign-key holds no private key: " + pem);
  }
}
