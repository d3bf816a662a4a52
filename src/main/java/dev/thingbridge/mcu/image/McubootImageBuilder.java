package dev.thingbridge.mcu.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Writes MCUboot images from the documented format (see {@link McubootImage}), the way {@code imgtool sign} lays
 * them out: header padded with zeros to the header size, body, optional protected TLVs, then the TLV area with
 * SHA-256, and with a key the key hash and the ECDSA signature. For tests and the fake MCU: any size and version,
 * and on request broken in one precise way (hash, magic, signature, truncation) so that each refusal can be
 * exercised.
 */
public final class McubootImageBuilder {
  private ImageVersion version = new ImageVersion(1, 0, 0, 0);
  private byte[] body = new byte[0];
  private int headerSize = McubootImage.HEADER_SIZE;
  private int loadAddress;
  private int flags;
  private final List<ImageTlv> protectedTlvs = new ArrayList<>();
  private KeyPair signingKey;
  private boolean breakHash;
  private boolean breakMagic;
  private boolean breakSignature;
  private int padTo;

  /** A builder for version 1.0.0 with an empty body and a 32-byte header. */
  public static McubootImageBuilder create() {
    return new McubootImageBuilder();
  }

  /** The version in the header. */
  public McubootImageBuilder version(ImageVersion v) {
    this.version = v;
    return this;
  }

  /** The version in the header, e.g. {@code 1.2.3+4}. */
  public McubootImageBuilder version(String v) {
    return version(ImageVersion.parse(v));
  }

  /** The body (the application binary). */
  public McubootImageBuilder body(byte[] bytes) {
    this.body = bytes.clone();
    return this;
  }

  /** A body of {@code size} pseudo-random bytes from {@code seed}. */
  public McubootImageBuilder randomBody(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    this.body = b;
    return this;
  }

  /** Header size, zero-padded (Zephyr boards commonly use 0x200: imgtool {@code --header-size}). */
  public McubootImageBuilder headerSize(int size) {
    if (size < McubootImage.HEADER_SIZE || size > 0xFFFF) {
      throw new IllegalArgumentException("header size must be 32..65535, got " + size);
    }
    this.headerSize = size;
    return this;
  }

  public McubootImageBuilder loadAddress(int address) {
    this.loadAddress = address;
    return this;
  }

  /** Header flags, e.g. {@link McubootImage#FLAG_NON_BOOTABLE}. */
  public McubootImageBuilder flags(int f) {
    this.flags = f;
    return this;
  }

  /** Adds a protected TLV (covered by the hash), e.g. a security counter. */
  public McubootImageBuilder protectedTlv(int type, byte[] value) {
    protectedTlvs.add(new ImageTlv(type, value, true));
    return this;
  }

  /** Signs with an ECDSA P-256 key: adds the key hash and the signature TLVs. */
  public McubootImageBuilder sign(KeyPair key) {
    this.signingKey = key;
    return this;
  }

  /** Writes a hash TLV that does not match the image. */
  public McubootImageBuilder brokenHash() {
    this.breakHash = true;
    return this;
  }

  /** Writes a wrong header magic. */
  public McubootImageBuilder brokenMagic() {
    this.breakMagic = true;
    return this;
  }

  /** Writes a signature that does not verify (needs {@link #sign}). */
  public McubootImageBuilder brokenSignature() {
    this.breakSignature = true;
    return this;
  }

  /** Pads the file with 0xFF up to {@code size} bytes (imgtool {@code --pad} to a slot size). */
  public McubootImageBuilder padTo(int size) {
    this.padTo = size;
    return this;
  }

  /** The image file. */
  public byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(headerSize + body.length + 256);
    int protSize = protectedTlvs.isEmpty() ? 0 : 4 + protectedTlvs.stream().mapToInt(t -> 4 + t.value().length).sum();
    ByteBuffer h = ByteBuffer.allocate(headerSize).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(breakMagic ? 0x96f3b83c : McubootImage.MAGIC).putInt(loadAddress).putShort((short) headerSize)
        .putShort((short) protSize).putInt(body.length).putInt(flags).put((byte) version.major())
        .put((byte) version.minor()).putShort((short) version.revision()).putInt((int) version.build()).putInt(0);
    out.writeBytes(h.array());
    out.writeBytes(body);
    if (protSize > 0) {
      out.writeBytes(area(McubootImage.TLV_PROT_INFO_MAGIC, protectedTlvs));
    }
    byte[] hashed = out.toByteArray();
    byte[] hash = McubootImage.sha256(hashed, 0, hashed.length);
    if (breakHash) {
      hash[0] ^= 0x01;
    }
    List<ImageTlv> tlvs = new ArrayList<>();
    tlvs.add(new ImageTlv(McubootImage.TLV_SHA256, hash, false));
    if (signingKey != null) {
      tlvs.add(new ImageTlv(McubootImage.TLV_KEYHASH, ImageSignatures.keyHash(signingKey.getPublic()), false));
      byte[] toSign = hash.clone();
      if (breakSignature) {
        toSign[31] ^= 0x01;
      }
      tlvs.add(new ImageTlv(McubootImage.TLV_ECDSA_SIG, ImageSignatures.sign(toSign, signingKey.getPrivate()), false));
    }
    out.writeBytes(area(McubootImage.TLV_INFO_MAGIC, tlvs));
    byte[] file = out.toByteArray();
    if (padTo > file.length) {
      byte[] padded = Arrays.copyOf(file, padTo);
      Arrays.fill(padded, file.length, padTo, (byte) 0xFF);
      return padded;
    }
    return file;
  }

  private static byte[] area(int magic, List<ImageTlv> tlvs) {
    int total = 4 + tlvs.stream().mapToInt(t -> 4 + t.value().length).sum();
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) magic).putShort((short) total);
    for (ImageTlv t : tlvs) {
      b.putShort((short) t.type()).putShort((short) t.value().length).put(t.value());
    }
    return b.array();
  }
}
