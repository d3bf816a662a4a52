package dev.thingbridge.mcu.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A firmware image in MCUboot's format ({@code mcu-tools/mcuboot boot/bootutil/include/bootutil/image.h} and
 * {@code docs/design.md}), as {@code imgtool sign} writes it:
 *
 * <pre>
 * header (32 bytes, little-endian; padded to ih_hdr_size): magic 0x96f3b83d, load address u32,
 *     header size u16, protected-TLV size u16, image size u32 (body only), flags u32,
 *     version u8.u8.u16 + build u32, padding u32
 * body (image size bytes)
 * protected TLV area (optional; its size, info header included, is in the header): 0x6908, total u16, TLVs
 * TLV area: 0x6907, total u16 (info header included), TLVs (type u16, length u16, value)
 * </pre>
 *
 * The <em>image hash</em> (TLV 0x10) is SHA-256 over header, body and protected TLV area: it is what image state
 * read reports and what test/confirm name. The <em>file SHA-256</em> covers every byte of the file and is what an
 * upload's {@code sha} carries. Parsing checks the structure; {@link #verifyHash()} checks the hash.
 */
public final class McubootImage {
  /** Header magic. */
  public static final int MAGIC = 0x96f3b83d;
  /** Size of the fixed header fields. */
  public static final int HEADER_SIZE = 32;
  /** Magic of the TLV area. */
  public static final int TLV_INFO_MAGIC = 0x6907;
  /** Magic of the protected TLV area. */
  public static final int TLV_PROT_INFO_MAGIC = 0x6908;
  /** SHA-256 of the signing public key (DER SubjectPublicKeyInfo). */
  public static final int TLV_KEYHASH = 0x01;
  /** The signing public key itself. */
  public static final int TLV_PUBKEY = 0x02;
  /** The image hash. */
  public static final int TLV_SHA256 = 0x10;
  /** SHA-384 image hash (not used by the SMP image group, whose hash is 32 bytes). */
  public static final int TLV_SHA384 = 0x11;
  /** SHA-512 image hash. */
  public static final int TLV_SHA512 = 0x12;
  /** RSA-2048 PSS signature of the hash. */
  public static final int TLV_RSA2048_PSS = 0x20;
  /** ECDSA signature (P-256 with a SHA-256 hash), DER, over the hash. */
  public static final int TLV_ECDSA_SIG = 0x22;
  /** RSA-3072 PSS signature. */
  public static final int TLV_RSA3072_PSS = 0x23;
  /** Ed25519 signature. */
  public static final int TLV_ED25519 = 0x24;
  /** Dependency on another image (protected). */
  public static final int TLV_DEPENDENCY = 0x40;
  /** Security counter (protected). */
  public static final int TLV_SEC_CNT = 0x50;
  /** Boot record (protected). */
  public static final int TLV_BOOT_RECORD = 0x60;
  /** Header flag: not bootable (split image application). */
  public static final int FLAG_NON_BOOTABLE = 0x10;
  /** Header flag: load into RAM. */
  public static final int FLAG_RAM_LOAD = 0x20;
  /** Header flags: encrypted (AES-128 or AES-256). */
  public static final int FLAG_ENCRYPTED = 0x04 | 0x08;

  private final byte[] file;
  private final int loadAddress;
  private final int headerSize;
  private final int protectedTlvSize;
  private final int imageSize;
  private final int flags;
  private final ImageVersion version;
  private final List<ImageTlv> tlvs;
  private final int tlvEnd;

  private McubootImage(byte[] file, ByteBuffer h, List<ImageTlv> tlvs, int tlvEnd) {
    this.file = file;
    this.loadAddress = h.getInt(4);
    this.headerSize = Short.toUnsignedInt(h.getShort(8));
    this.protectedTlvSize = Short.toUnsignedInt(h.getShort(10));
    this.imageSize = h.getInt(12);
    this.flags = h.getInt(16);
    this.version = new ImageVersion(h.get(20) & 0xFF, h.get(21) & 0xFF, Short.toUnsignedInt(h.getShort(22)),
        Integer.toUnsignedLong(h.getInt(24)));
    this.tlvs = List.copyOf(tlvs);
    this.tlvEnd = tlvEnd;
  }

  /**
   * Parses an image file.
   *
   * @throws ImageFormatException for a bad magic, sizes that do not fit the file, a missing or malformed TLV
   *     area, or not exactly one 32-byte SHA-256 TLV
   */
  public static McubootImage parse(byte[] file) throws ImageFormatException {
    if (file.length < HEADER_SIZE) {
      throw new ImageFormatException("too short for an MCUboot header: " + file.length + " bytes");
    }
    ByteBuffer h = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != MAGIC) {
      throw new ImageFormatException(String.format("bad MCUboot header magic 0x%08x (expected 0x%08x)", h.getInt(0), MAGIC));
    }
    int hdrSize = Short.toUnsignedInt(h.getShort(8));
    int protSize = Short.toUnsignedInt(h.getShort(10));
    long imgSize = Integer.toUnsignedLong(h.getInt(12));
    if (hdrSize < HEADER_SIZE) {
      throw new ImageFormatException("header size " + hdrSize + " is below 32");
    }
    long bodyEnd = hdrSize + imgSize;
    if (bodyEnd + protSize + 4 > file.length) {
      throw new ImageFormatException("header says " + hdrSize + " + " + imgSize + " bytes and a TLV area, the file has "
          + file.length);
    }
    List<ImageTlv> tlvs = new ArrayList<>();
    int off = (int) bodyEnd;
    if (protSize > 0) {
      readArea(h, off, TLV_PROT_INFO_MAGIC, true, tlvs);
      if (Short.toUnsignedInt(h.getShort(off + 2)) != protSize) {
        throw new ImageFormatException("protected TLV area is " + Short.toUnsignedInt(h.getShort(off + 2))
            + " bytes, the header says " + protSize);
      }
      off += protSize;
    }
    int end = readArea(h, off, TLV_INFO_MAGIC, false, tlvs);
    long hashes = tlvs.stream().filter(t -> t.type() >= TLV_SHA256 && t.type() <= TLV_SHA512).count();
    if (hashes != 1) {
      throw new ImageFormatException(hashes == 0 ? "no image hash TLV" : "more than one image hash TLV");
    }
    ImageTlv hash = tlvs.stream().filter(t -> t.type() >= TLV_SHA256 && t.type() <= TLV_SHA512).findFirst().get();
    if (hash.type() != TLV_SHA256 || hash.isProtected()) {
      throw new ImageFormatException("the image hash must be an unprotected SHA-256 TLV (0x10), got " + hash);
    }
    if (hash.value().length != 32) {
      throw new ImageFormatException("SHA-256 TLV of " + hash.value().length + " bytes (expected 32)");
    }
    return new McubootImage(file.clone(), h, tlvs, end);
  }

  private static int readArea(ByteBuffer h, int off, int magic, boolean prot, List<ImageTlv> out)
      throws ImageFormatException {
    int limit = h.capacity();
    if (off + 4 > limit) {
      throw new ImageFormatException("no room for the TLV area at offset " + off);
    }
    int got = Short.toUnsignedInt(h.getShort(off));
    if (got != magic) {
      throw new ImageFormatException(String.format("bad %sTLV area magic 0x%04x at offset %d (expected 0x%04x)",
          prot ? "protected " : "", got, off, magic));
    }
    int total = Short.toUnsignedInt(h.getShort(off + 2));
    int end = off + total;
    if (total < 4 || end > limit) {
      throw new ImageFormatException("TLV area of " + total + " bytes at offset " + off + " does not fit the file");
    }
    int p = off + 4;
    while (p < end) {
      if (p + 4 > end) {
        throw new ImageFormatException("truncated TLV header at offset " + p);
      }
      int type = Short.toUnsignedInt(h.getShort(p));
      int len = Short.toUnsignedInt(h.getShort(p + 2));
      if (p + 4 + len > end) {
        throw new ImageFormatException("TLV 0x" + Integer.toHexString(type) + " of " + len + " bytes overruns its area");
      }
      out.add(new ImageTlv(type, Arrays.copyOfRange(h.array(), p + 4, p + 4 + len), prot));
      p += 4 + len;
    }
    return end;
  }

  /**
   * Checks that the SHA-256 over header, body and protected TLVs equals the hash TLV.
   *
   * @throws ImageFormatException if it does not
   */
  public McubootImage verifyHash() throws ImageFormatException {
    byte[] computed = computedHash();
    if (!MessageDigest.isEqual(computed, hash())) {
      throw new ImageFormatException("image hash mismatch: TLV says " + HexFormat.of().formatHex(hash())
          + ", the image hashes to " + HexFormat.of().formatHex(computed));
    }
    return this;
  }

  /** SHA-256 over header, body and protected TLV area (what the hash TLV should hold). */
  public byte[] computedHash() {
    return sha256(file, 0, headerSize + imageSize + protectedTlvSize);
  }

  /** The hash TLV's value: the image's identity for image state read, test and confirm. */
  public byte[] hash() {
    return tlv(TLV_SHA256).orElseThrow();
  }

  /** SHA-256 of every byte of the file: the {@code sha} of an upload, the key of a resumed upload. */
  public byte[] fileSha256() {
    return sha256(file, 0, file.length);
  }

  /** The first TLV of {@code type}, if any. */
  public Optional<byte[]> tlv(int type) {
    return tlvs.stream().filter(t -> t.type() == type).findFirst().map(ImageTlv::value);
  }

  /** Every TLV, protected ones first, in file order. */
  public List<ImageTlv> tlvs() {
    return tlvs;
  }

  /** A copy of the file. */
  public byte[] bytes() {
    return file.clone();
  }

  /** The file's length in bytes. */
  public int length() {
    return file.length;
  }

  /** Where the TLV area ends; bytes after it are padding (imgtool {@code --pad}). */
  public int tlvEnd() {
    return tlvEnd;
  }

  public ImageVersion version() {
    return version;
  }

  public int loadAddress() {
    return loadAddress;
  }

  public int headerSize() {
    return headerSize;
  }

  public int protectedTlvSize() {
    return protectedTlvSize;
  }

  /** The body's size (ih_img_size: header and TLVs not included). */
  public int imageSize() {
    return imageSize;
  }

  public int flags() {
    return flags;
  }

  /** Whether the header does not mark it non-bootable. */
  public boolean bootable() {
    return (flags & FLAG_NON_BOOTABLE) == 0;
  }

  static byte[] sha256(byte[] data, int offset, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, offset, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "MCUboot image " + version + " (" + file.length + " bytes, hash "
        + HexFormat.of().formatHex(hash()).substring(0, 16) + "...)";
  }
}
