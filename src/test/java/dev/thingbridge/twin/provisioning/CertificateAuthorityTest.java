package dev.thingbridge.twin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.internal.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void the_ca_is_created_once_in_the_state_directory_and_reused() throws Exception {
    CertificateAuthority first = CertificateAuthority.inDirectory(dir, Clock.systemUTC());
    Path cert = dir.resolve("ca/ca.pem");
    assertThat(first.certificateFile()).contains(cert);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca/ca.key")))).isEqualTo("rw-------");
    CertificateAuthority again = CertificateAuthority.inDirectory(dir, Clock.systemUTC());
    assertThat(again.certificate()).isEqualTo(first.certificate());
    KeyPair device = Pki.newEcP256();
    X509Certificate issued = again.issueClient(device.getPublic(), "dev-1", Duration.ofDays(1));
    issued.verify(first.certificate().getPublicKey());
    assertThat(issued.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(first.certificate().getBasicConstraints()).isZero();
    assertThat(Files.readString(cert)).isEqualTo(first.certificatePem());
  }

  @Test
  void a_server_certificate_names_its_hosts() throws Exception {
    CertificateAuthority ca = CertificateAuthority.ephemeral(Clock.systemUTC());
    X509Certificate server = ca.issueServer(Pki.newEcP256().getPublic(), List.of("127.0.0.1", "localhost"),
        Duration.ofDays(1));
    assertThat(server.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList()).containsExactly("127.0.0.1", "localhost");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(ca.certificateFile()).isEmpty();
  }

  @Test
  void half_a_ca_is_refused() throws Exception {
    CertificateAuthority.inDirectory(dir, Clock.systemUTC());
    Files.delete(dir.resolve("ca/ca.key"));
    assertThatThrownBy(() -> CertificateAuthority.inDirectory(dir, Clock.systemUTC()))
        .hasMessageContaining("only one of");
    Files.writeString(dir.resolve("ca/ca.key"), "garbage");
    assertThatThrownBy(() -> CertificateAuthority.inDirectory(dir, Clock.systemUTC())).hasMessageContaining("unreadable");
  }
}
