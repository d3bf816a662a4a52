package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.internal.IpLiterals;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thingbridge ca}: the TLS files of an offline fleet rehearsal, all rooted in the twin's certificate
 * authority (the one {@code thingbridge twin --state-dir DIR} signs device certificates with): the broker's
 * server certificate, the twin's own client certificate and a claim certificate for devices to provision with.
 */
@Command(name = "ca",
    description = {"Make TLS files rooted in the twin's certificate authority (created in --state-dir/ca if missing):",
        "ca.pem, broker.pem/.key (a server certificate for every --name), twin.pem/.key (the twin's client",
        "certificate) and claim.pem/.key (a claim certificate for fleet provisioning), written to --out."})
final class CaCommand implements Callable<Integer> {
  private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
      + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Duration VALIDITY = Duration.ofDays(825);

  @Mixin OutputOptions output;

  @Option(names = "--state-dir", required = true, paramLabel = "DIR",
      description = "The twin's state directory: its CA is DIR/ca/ca.pem and DIR/ca/ca.key.")
  Path stateDir;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files.")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "A DNS name or IP address the broker is reached by (repeat for more; default: localhost and "
          + "127.0.0.1).")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<String> hosts = names.isEmpty() ? List.of("localhost", "127.0.0.1") : names;
    for (String h : hosts) {
      if (!IpLiterals.isIp(h) && !DNS_NAME.matcher(h).matches()) {
        throw new UsageException("--name '" + h + "' is not a DNS name or an IP address");
      }
    }
    Path state = StateDirs.check("--state-dir", stateDir);
    Path dir = StateDirs.check("--out", out);
    CertificateAuthority ca = CertificateAuthority.inDirectory(state, Clock.systemUTC());
    AtomicFiles.write(dir.resolve("ca.pem"), ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
    KeyPair broker = Pki.newEcP256();
    write(dir, "broker", ca.issueServer(broker.getPublic(), hosts, VALIDITY), broker);
    KeyPair twin = Pki.newEcP256();
    write(dir, "twin", ca.issueClient(twin.getPublic(), "thingbridge-twin", VALIDITY), twin);
    KeyPair claim = Pki.newEcP256();
    write(dir, "claim", ca.issueClient(claim.getPublic(), "fleet-claim", VALIDITY), claim);
    ObjectNode line = JsonNodeFactory.instance.objectNode()
        .put("ca", ca.certificateFile().orElseThrow().toString()).put("out", dir.toString());
    hosts.forEach(line.putArray("brokerNames")::add);
    output.event(line);
    return ExitCodes.OK;
  }

  private static void write(Path dir, String name, X509Certificate cert, KeyPair keys) throws IOException {
    AtomicFiles.write(dir.resolve(name + ".key"), Pki.privateKeyPem(keys).getBytes(StandardCharsets.US_ASCII),
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    AtomicFiles.write(dir.resolve(name + ".pem"), Pki.certificatePem(cert).getBytes(StandardCharsets.US_ASCII));
  }
}
