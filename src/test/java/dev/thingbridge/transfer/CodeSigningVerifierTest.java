package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code-signature checks: ECDSA (DER and raw), RSA, SHA-1 only when allowed, certificates from the job. */
class CodeSigningVerifierTest {
  @TempDir Path dir;
  private final byte[] content = OtaTestbed.randomBytes(70_000, 31);

  private static String sign(KeyPair key, String alg, byte[] data) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initSign(key.getPrivate());
    s.update(data);
    return Base64.getEncoder().encodeToString(s.sign());
  }

  private static OtaFile file(String certfile, Map<SignatureAlgorithm, String> sigs) {
    return new OtaFile(0, "fw.bin", 70_000, 0, certfile, null, null, sigs, 0, null, null);
  }

  private void check(SignatureVerifier v, OtaFile f) throws Exception {
    SignatureVerifier.Check c = v.begin(f);
    c.update(content, 0, 1000);
    c.update(content, 1000, content.length - 1000);
    c.verify(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private void refused(SignatureVerifier v, OtaFile f, String why) {
    assertThatThrownBy(() -> check(v, f)).isInstanceOf(OtaException.class).hasMessageContaining(why)
        .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.SIG_CHECK_FAILED));
  }

  @Test
  void ecdsa_signatures_in_der_and_raw_form_pass_and_others_fail() throws Exception {
    KeyPair key = OtaTestbed.KEY;
    CodeSigningVerifier v = CodeSigningVerifier.builder()
        .certificate(OtaTestbed.writeCertificate(dir.resolve("c.pem"), key)).build();
    check(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, sign(key, "SHA256withECDSA", content))));
    check(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, sign(key, "SHA256withECDSAinP1363Format", content))));
    byte[] other = content.clone();
    other[5] ^= 1;
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, sign(key, "SHA256withECDSA", other))), "does not match");
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, "not base64!")), "not base64");
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, "AAAA")), "sig-sha256-ecdsa");
    refused(v, file(null, Map.of()), "not signed");
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_RSA, "AAAA")), "cannot check sig-sha256-rsa");
  }

  @Test
  void a_raw_signature_that_starts_like_der_is_still_read_as_raw() throws Exception {
    KeyPair key = OtaTestbed.KEY;
    CodeSigningVerifier v = CodeSigningVerifier.builder()
        .certificate(OtaTestbed.writeCertificate(dir.resolve("c.pem"), key)).build();
    int found = 0;
    for (int i = 0; found < 2 && i < 20_000; i++) {
      String raw = sign(key, "SHA256withECDSAinP1363Format", content);
      if (Base64.getDecoder().decode(raw)[0] == 0x30) { // about one raw signature in 256
        check(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, raw)));
        found++;
      }
      String der = sign(key, "SHA256withECDSA", content);
      assertThat(CodeSigningVerifier.isDerSignature(Base64.getDecoder().decode(der))).isTrue();
    }
    assertThat(found).isEqualTo(2);
  }

  @Test
  void rsa_and_sha1_forms_pass_only_when_sha1_is_allowed() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rsa = g.generateKeyPair();
    CodeSigningVerifier strict = CodeSigningVerifier.builder().publicKey(rsa.getPublic()).build();
    CodeSigningVerifier lax = CodeSigningVerifier.builder().publicKey(rsa.getPublic()).allowSha1(true).build();
    check(strict, file(null, Map.of(SignatureAlgorithm.SHA256_RSA, sign(rsa, "SHA256withRSA", content))));
    OtaFile sha1 = file(null, Map.of(SignatureAlgorithm.SHA1_RSA, sign(rsa, "SHA1withRSA", content)));
    refused(strict, sha1, "SHA-1");
    check(lax, sha1);
  }

  @Test
  void rsa_sha256_is_checked_over_the_digest_the_download_computed_without_hashing_the_bytes_again() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rsa = g.generateKeyPair();
    CodeSigningVerifier v = CodeSigningVerifier.builder().publicKey(rsa.getPublic()).build();
    OtaFile f = file(null, Map.of(SignatureAlgorithm.SHA256_RSA, sign(rsa, "SHA256withRSA", content)));
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
    SignatureVerifier.Check fedNothing = v.begin(f);
    fedNothing.verify(digest); // the bytes are not needed: the digest is the whole input
    byte[] other = content.clone();
    other[70] ^= 1;
    SignatureVerifier.Check wrongDigest = v.begin(f);
    assertThatThrownBy(() -> wrongDigest.verify(MessageDigest.getInstance("SHA-256").digest(other)))
        .isInstanceOf(OtaException.class).hasMessageContaining("does not match");
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_RSA, sign(rsa, "SHA256withRSA", other))), "does not match");
    // A PKCS#1 signature over the bare digest (no DigestInfo) is not an AWS code signature.
    Signature bare = Signature.getInstance("NONEwithRSA");
    bare.initSign(rsa.getPrivate());
    bare.update(digest);
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_RSA, Base64.getEncoder().encodeToString(bare.sign()))),
        "does not match");
  }

  @Test
  void the_jobs_certfile_is_used_when_it_names_a_certificate_in_the_trust_directory() throws Exception {
    KeyPair jobKey = OtaTestbed.newKey();
    Path trust = Files.createDirectories(dir.resolve("trust"));
    OtaTestbed.writeCertificate(trust.resolve("rotated.pem"), jobKey);
    CodeSigningVerifier v = CodeSigningVerifier.builder().trustDirectory(trust)
        .certificate(OtaTestbed.writeCertificate(dir.resolve("configured.pem"), OtaTestbed.KEY)).build();
    String byJobKey = sign(jobKey, "SHA256withECDSA", content);
    check(v, file("rotated.pem", Map.of(SignatureAlgorithm.SHA256_ECDSA, byJobKey)));
    refused(v, file(null, Map.of(SignatureAlgorithm.SHA256_ECDSA, byJobKey)), "does not match");
    // a certfile outside the trust directory is not looked at: the configured certificate decides
    OtaTestbed.writeCertificate(dir.resolve("evil.pem"), jobKey);
    refused(v, file("../evil.pem", Map.of(SignatureAlgorithm.SHA256_ECDSA, byJobKey)), "does not match");
    CodeSigningVerifier none = CodeSigningVerifier.builder().trustDirectory(trust).build();
    refused(none, file("missing.pem", Map.of(SignatureAlgorithm.SHA256_ECDSA, byJobKey)), "no code-signing certificate");
  }

  @Test
  void a_pem_without_a_certificate_is_an_error_at_configuration() throws Exception {
    Path p = dir.resolve("empty.pem");
    Files.writeString(p, "nothing here\n");
    assertThatThrownBy(() -> CodeSigningVerifier.builder().certificate(p)).isInstanceOf(java.io.IOException.class);
  }
}
