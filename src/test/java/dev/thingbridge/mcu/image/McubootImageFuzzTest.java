package dev.thingbridge.mcu.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An image file comes from a job, a download or the command line: outside input. Random bytes into {@link
 * McubootImage#parse}, the hash check and the ECDSA signature check: the only exception allowed is {@link
 * ImageFormatException}, and a parsed image is self-consistent (its areas lie inside the file). Runs the seeds and a
 * fixed-seed mutation sweep of real images in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class McubootImageFuzzTest {
  private static final KeyPair KEY = p256();

  private static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void image_files_parse_or_fail_with_the_format_error(byte[] input) {
    check(input);
  }

  static void check(byte[] input) {
    McubootImage image;
    try {
      image = McubootImage.parse(input);
    } catch (ImageFormatException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(image.headerSize()).isGreaterThanOrEqualTo(McubootImage.HEADER_SIZE);
    assertThat((long) image.headerSize() + Integer.toUnsignedLong(image.imageSize()) + image.protectedTlvSize())
        .isLessThanOrEqualTo(image.tlvEnd());
    assertThat(image.tlvEnd()).isLessThanOrEqualTo(input.length);
    assertThat(image.hash()).hasSize(32);
    assertThat(image.version().toString()).isNotBlank();
    try {
      image.verifyHash();
      assertThat(image.computedHash()).isEqualTo(image.hash());
    } catch (ImageFormatException refused) {
      assertThat(refused.getMessage()).contains("hash");
    }
    try {
      ImageSignatures.verifyEcdsaP256(image, KEY.getPublic());
    } catch (ImageFormatException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private static List<byte[]> seeds() {
    List<byte[]> s = new ArrayList<>();
    s.add(McubootImageBuilder.create().version("1.2.3+4").body(new byte[] {0x41, 0x42, 0x43, 0x44}).build());
    s.add(McubootImageBuilder.create().version("2.0.0").randomBody(200, 1)
        .protectedTlv(McubootImage.TLV_SEC_CNT, new byte[] {7, 0, 0, 0}).build());
    s.add(McubootImageBuilder.create().version("3.1.0").randomBody(300, 2).sign(KEY).build());
    s.add(McubootImageBuilder.create().version("3.1.1").randomBody(100, 3).headerSize(0x200).padTo(1024).build());
    s.add(McubootImageBuilder.create().version("0.0.1").randomBody(64, 4).brokenHash().build());
    return s;
  }

  @Test
  void the_seeds_are_what_they_claim() throws Exception {
    List<byte[]> s = seeds();
    ImageSignatures.verifyEcdsaP256(McubootImage.parse(s.get(2)).verifyHash(), KEY.getPublic());
    assertThat(McubootImage.parse(s.get(3)).verifyHash().headerSize()).isEqualTo(0x200);
    for (byte[] seed : s) {
      check(seed);
    }
  }

  @Test
  void fixed_seed_mutations_of_real_images_never_escape_the_format_error() {
    List<byte[]> seeds = seeds();
    Random random = new Random(20261207L);
    for (int i = 0; i < 4000; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && m.length > 0; e++) {
        switch (random.nextInt(4)) {
          // Header and TLV area fields are where a parser goes wrong: aim a third of the edits at them.
          case 0 -> m[random.nextInt(Math.min(m.length, 32))] = (byte) random.nextInt(256);
          case 1 -> m[random.nextInt(m.length)] = (byte) random.nextInt(256);
          case 2 -> m = Arrays.copyOf(m, random.nextInt(m.length + 1));
          default -> {
            int at = Math.max(0, m.length - 1 - random.nextInt(Math.min(m.length, 120)));
            m[at] = (byte) random.nextInt(256);
          }
        }
      }
      check(m);
    }
  }
}
