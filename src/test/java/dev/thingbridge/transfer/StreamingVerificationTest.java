package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks made while a file downloads: blocks in order are hashed as they come, blocks out of order when the gap
 * before them fills, a resumed download's blocks are read back from disk first (so damage on disk is caught), and
 * an unsigned file is refused before its first block.
 */
class StreamingVerificationTest {
  private static final int BLOCK = 1024;
  private static final int SIZE = 10 * BLOCK + 300;
  private static KeyPair key;
  private static SignatureVerifier verifier;

  @TempDir Path dir;
  private final byte[] content = new byte[SIZE];

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key = g.generateKeyPair();
    verifier = CodeSigningVerifier.builder().publicKey(key.getPublic()).build();
  }

  StreamingVerificationTest() {
    new Random(7).nextBytes(content);
  }

  private OtaFile file(boolean signed, String sha256) throws Exception {
    Map<SignatureAlgorithm, String> sigs = Map.of();
    if (signed) {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key.getPrivate());
      s.update(content);
      sigs = Map.of(SignatureAlgorithm.SHA256_ECDSA, Base64.getEncoder().encodeToString(s.sign()));
    }
    return new OtaFile(0, "fw.bin", SIZE, 0, null, null, null, sigs, 0, null, sha256);
  }

  private PartialDownload open() throws Exception {
    return PartialDownload.open(dir.resolve("dl"), "id", SIZE, BLOCK, false);
  }

  private static FileIngest ingest(OtaFile f, PartialDownload p, StreamingVerification v) {
    return new FileIngest(f, p, 1_000, (i, id, size) -> {}).verifyWith(v);
  }

  private void accept(FileIngest ingest, int id) throws OtaException {
    int length = Math.min(BLOCK, SIZE - id * BLOCK);
    ingest.accept(id, content, id * BLOCK, length);
  }

  private byte[] sha256() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }

  @Test
  void blocks_in_order_are_checked_as_they_arrive() throws Exception {
    OtaFile f = file(true, HexFormat.of().formatHex(sha256()));
    try (PartialDownload p = open()) {
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      FileIngest ingest = ingest(f, p, v);
      for (int id = 0; id < 11; id++) {
        accept(ingest, id);
        assertThat(v.fed()).isEqualTo(id + 1);
      }
      ingest.finish();
      VerifiedFile verified = v.finish();
      assertThat(verified.sha256()).isEqualTo(sha256());
      assertThat(Files.readAllBytes(verified.content())).isEqualTo(content);
    }
  }

  @Test
  void blocks_out_of_order_duplicated_or_invalid_are_fed_once_when_the_gap_before_them_fills() throws Exception {
    OtaFile f = file(true, null);
    try (PartialDownload p = open()) {
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      FileIngest ingest = ingest(f, p, v);
      for (int id : new int[] {3, 2, 10, 1}) {
        accept(ingest, id);
      }
      ingest.accept(0, content, 0, 100);
      assertThat(v.fed()).as("nothing before block 0").isZero();
      accept(ingest, 0);
      assertThat(v.fed()).as("0 and the early 1, 2, 3 read back").isEqualTo(4);
      accept(ingest, 2);
      assertThat(ingest.duplicates()).isEqualTo(1);
      for (int id = 4; id < 10; id++) {
        accept(ingest, id);
      }
      assertThat(v.fed()).isEqualTo(11);
      ingest.finish();
      assertThat(v.finish().sha256()).isEqualTo(sha256());
    }
  }

  @Test
  void a_resumed_download_feeds_what_is_on_disk_first() throws Exception {
    OtaFile f = file(true, null);
    try (PartialDownload p = open()) {
      FileIngest ingest = ingest(f, p, new StreamingVerification(f, p, verifier));
      for (int id : new int[] {0, 1, 2, 3, 5}) {
        accept(ingest, id);
      }
      ingest.checkpoint();
    }
    try (PartialDownload p = open()) {
      assertThat(p.resumedBlocks()).isEqualTo(5);
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      assertThat(v.fed()).isEqualTo(4);
      FileIngest ingest = ingest(f, p, v);
      accept(ingest, 4);
      assertThat(v.fed()).isEqualTo(6);
      for (int id = 6; id < 11; id++) {
        accept(ingest, id);
      }
      ingest.finish();
      assertThat(v.finish().sha256()).isEqualTo(sha256());
    }
  }

  @Test
  void a_block_damaged_on_disk_before_a_resume_fails_the_check() throws Exception {
    OtaFile f = file(true, null);
    try (PartialDownload p = open()) {
      FileIngest ingest = ingest(f, p, new StreamingVerification(f, p, verifier));
      for (int id = 0; id < 6; id++) {
        accept(ingest, id);
      }
      ingest.checkpoint();
    }
    try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("dl").resolve(PartialDownload.DATA).toFile(), "rw")) {
      raf.seek(2 * BLOCK + 17);
      int b = raf.read();
      raf.seek(2 * BLOCK + 17);
      raf.write(b ^ 0x40);
    }
    try (PartialDownload p = open()) {
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      FileIngest ingest = ingest(f, p, v);
      for (int id = 6; id < 11; id++) {
        accept(ingest, id);
      }
      ingest.finish();
      assertThatThrownBy(v::finish).isInstanceOf(OtaException.class)
          .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.SIG_CHECK_FAILED));
    }
  }

  @Test
  void a_digest_other_than_the_jobs_is_refused_even_when_the_signature_would_pass() throws Exception {
    OtaFile f = file(true, "00".repeat(32));
    try (PartialDownload p = open()) {
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      FileIngest ingest = ingest(f, p, v);
      for (int id = 0; id < 11; id++) {
        accept(ingest, id);
      }
      ingest.finish();
      assertThatThrownBy(v::finish).isInstanceOf(OtaException.class).hasMessageContaining("differs from the job's")
          .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.SIG_CHECK_FAILED));
    }
  }

  @Test
  void an_unsigned_file_is_refused_before_its_first_block() throws Exception {
    OtaFile f = file(false, null);
    try (PartialDownload p = open()) {
      assertThatThrownBy(() -> new StreamingVerification(f, p, verifier)).isInstanceOf(OtaException.class)
          .hasMessageContaining("not signed")
          .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.SIG_CHECK_FAILED));
    }
  }

  @Test
  void finishing_with_a_block_missing_says_which() throws Exception {
    OtaFile f = file(true, null);
    try (PartialDownload p = open()) {
      StreamingVerification v = new StreamingVerification(f, p, verifier);
      FileIngest ingest = ingest(f, p, v);
      for (int id = 0; id < 11; id++) {
        if (id != 7) {
          accept(ingest, id);
        }
      }
      assertThatThrownBy(v::finish).isInstanceOf(OtaException.class).hasMessageContaining("block 7 is missing")
          .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.FILE_CLOSE_FAILED));
    }
  }
}
