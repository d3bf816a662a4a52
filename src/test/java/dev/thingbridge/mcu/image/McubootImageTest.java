package dev.thingbridge.mcu.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class McubootImageTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] ABCD = {0x41, 0x42, 0x43, 0x44};

  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /**
   * Written by hand from image.h: every header field little-endian, then the TLV info (0x6907, total 40 = info 4 +
   * TLV header 4 + 32) and the SHA-256 TLV. The hash was computed outside Java ({@code xxd -r -p | sha256sum} of
   * the 36 header and body bytes).
   */
  @Test
  void a_minimal_image_is_byte_exact_with_the_hand_written_layout() throws Exception {
    String expected = "3db8f396" + "00000000" + "2000" + "0000" + "04000000" + "00000000"
        + "01" + "02" + "0300" + "04000000" + "00000000"
        + "41424344"
        + "0769" + "2800" + "1000" + "2000"
        + "d64cf97be1567dffb169537ae1011ff20aed47b00bfc4b9cd23bf7bd1a437a78";
    byte[] file = McubootImageBuilder.create().version("1.2.3+4").body(ABCD).build();
    assertThat(HEX.formatHex(file)).isEqualTo(expected);
    McubootImage image = McubootImage.parse(file).verifyHash();
    assertThat(image.version()).hasToString("1.2.3.4");
    assertThat(image.imageSize()).isEqualTo(4);
    assertThat(image.headerSize()).isEqualTo(32);
    assertThat(image.bootable()).isTrue();
    assertThat(HEX.formatHex(image.hash())).isEqualTo("d64cf97be1567dffb169537ae1011ff20aed47b00bfc4b9cd23bf7bd1a437a78");
    assertThat(image.fileSha256()).isNotEqualTo(image.hash());
  }

  /** A protected security counter (0x50) sits between body and TLV area; the header counts its 12 bytes; the hash covers it. */
  @Test
  void a_protected_tlv_is_counted_in_the_header_and_covered_by_the_hash() throws Exception {
    String expected = "3db8f396" + "00000000" + "2000" + "0c00" + "04000000" + "00000000"
        + "0a" + "00" + "0000" + "00000000" + "00000000"
        + "41424344"
        + "0869" + "0c00" + "5000" + "0400" + "07000000"
        + "0769" + "2800" + "1000" + "2000"
        + "cd7cf2b3e1246b5ea00b53eb8eca3c7931d5eb61ca646c33ca6c9640df7f8d10";
    byte[] file = McubootImageBuilder.create().version("10.0.0").body(ABCD)
        .protectedTlv(McubootImage.TLV_SEC_CNT, new byte[] {7, 0, 0, 0}).build();
    assertThat(HEX.formatHex(file)).isEqualTo(expected);
    McubootImage image = McubootImage.parse(file).verifyHash();
    assertThat(image.protectedTlvSize()).isEqualTo(12);
    assertThat(image.tlvs()).hasSize(2);
    assertThat(image.tlvs().get(0).isProtected()).isTrue();
    assertThat(image.version()).hasToString("10.0.0");
  }

  @Test
  void padded_header_large_body_and_slot_padding_parse() throws Exception {
    byte[] file = McubootImageBuilder.create().version("2.0.1").headerSize(0x200).randomBody(100_000, 1).padTo(128 * 1024)
        .build();
    McubootImage image = McubootImage.parse(file).verifyHash();
    assertThat(image.length()).isEqualTo(128 * 1024);
    assertThat(image.tlvEnd()).isEqualTo(0x200 + 100_000 + 40);
    assertThat(file[file.length - 1]).isEqualTo((byte) 0xFF);
  }

  @Test
  void ecdsa_p256_signature_verifies_with_the_signing_key_only() throws Exception {
    KeyPair key = p256();
    McubootImage signed = McubootImage.parse(McubootImageBuilder.create().randomBody(5000, 2).sign(key).build());
    ImageSignatures.verifyEcdsaP256(signed, key.getPublic());
    assertThat(signed.tlv(McubootImage.TLV_KEYHASH)).hasValueSatisfying(
        h -> assertThat(h).isEqualTo(ImageSignatures.keyHash(key.getPublic())));
    assertThat(signed.tlvs()).extracting(ImageTlv::type)
        .containsExactly(McubootImage.TLV_SHA256, McubootImage.TLV_KEYHASH, McubootImage.TLV_ECDSA_SIG);

    assertThatThrownBy(() -> ImageSignatures.verifyEcdsaP256(signed, p256().getPublic()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("another key");
    McubootImage forged = McubootImage.parse(McubootImageBuilder.create().randomBody(5000, 2).sign(key)
        .brokenSignature().build());
    assertThatThrownBy(() -> ImageSignatures.verifyEcdsaP256(forged, key.getPublic()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("does not verify");
    McubootImage unsigned = McubootImage.parse(McubootImageBuilder.create().build());
    assertThatThrownBy(() -> ImageSignatures.verifyEcdsaP256(unsigned, key.getPublic()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("no ECDSA signature");
  }

  @Test
  void broken_images_are_refused_with_the_reason() throws Exception {
    assertThatThrownBy(() -> McubootImage.parse(McubootImageBuilder.create().brokenMagic().build()))
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> McubootImage.parse(McubootImageBuilder.create().randomBody(64, 3).brokenHash().build())
        .verifyHash()).hasMessageContaining("hash mismatch");
    byte[] ok = McubootImageBuilder.create().randomBody(64, 3).build();
    assertThatThrownBy(() -> McubootImage.parse(Arrays.copyOf(ok, ok.length - 5))).hasMessageContaining("TLV");
    assertThatThrownBy(() -> McubootImage.parse(Arrays.copyOf(ok, 20))).hasMessageContaining("too short");
    byte[] badTlvMagic = ok.clone();
    badTlvMagic[32 + 64] = 0x00;
    assertThatThrownBy(() -> McubootImage.parse(badTlvMagic)).hasMessageContaining("TLV area magic");
    byte[] hugeBody = ok.clone();
    hugeBody[14] = 0x7F;
    assertThatThrownBy(() -> McubootImage.parse(hugeBody)).hasMessageContaining("the file has");
    assertThatThrownBy(() -> McubootImage.parse(McubootImageBuilder.create().build()).verifyHash()
        .tlv(McubootImage.TLV_ECDSA_SIG).orElseThrow()).isInstanceOf(java.util.NoSuchElementException.class);
  }

  @Test
  void versions_parse_compare_and_print_like_zephyr() {
    assertThat(ImageVersion.parse("1.2")).isEqualTo(new ImageVersion(1, 2, 0, 0));
    assertThat(ImageVersion.parse("1.2.3+4")).isEqualTo(ImageVersion.parse("1.2.3.4"));
    assertThat(ImageVersion.parse("1.2.3")).isLessThan(ImageVersion.parse("1.2.3+1"));
    assertThat(ImageVersion.parse("1.10.0")).isGreaterThan(ImageVersion.parse("1.9.9"));
    assertThat(new ImageVersion(255, 255, 65535, 4294967295L)).hasToString("255.255.65535.4294967295");
    assertThatThrownBy(() -> ImageVersion.parse("256.0.0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageVersion.parse("v1")).isInstanceOf(IllegalArgumentException.class);
  }
}
