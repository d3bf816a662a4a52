package dev.thingbridge.mcu.image;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * MCUboot's ECDSA-P256 image signatures: TLV 0x22 holds a DER ECDSA signature computed over the 32-byte image
 * hash itself (imgtool signs the digest as pre-hashed, so it is not hashed again), and TLV 0x01 the SHA-256 of
 * the signing key's DER SubjectPublicKeyInfo, so the bootloader can pick the key. (TLV 0x02, when imgtool is
 * told {@code --public-key-format full}, carries that DER itself.)
 */
public final class ImageSignatures {
  private ImageSignatures() {}

  /**
   * Checks the image's ECDSA-P256 signature with {@code key}.
   *
   * @throws ImageFormatException if the image is unsigned, names another key, or the signature does not verify
   */
  public static void verifyEcdsaP256(McubootImage image, PublicKey key) throws ImageFormatException {
    if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException("an ECDSA P-256 public key is required");
    }
    byte[] sig = image.tlv(McubootImage.TLV_ECDSA_SIG)
        .orElseThrow(() -> new ImageFormatException("the image has no ECDSA signature TLV (0x22)"));
    Optional<byte[]> keyHash = image.tlv(McubootImage.TLV_KEYHASH);
    if (keyHash.isPresent() && !MessageDigest.isEqual(keyHash.get(), keyHash(key))) {
      throw new ImageFormatException("the image was signed with another key (key hash TLV does not match)");
    }
    Optional<byte[]> pub = image.tlv(McubootImage.TLV_PUBKEY);
    if (pub.isPresent() && !MessageDigest.isEqual(pub.get(), key.getEncoded())) {
      throw new ImageFormatException("the image was signed with another key (public key TLV does not match)");
    }
    try {
      Signature verifier = Signature.getInstance("NONEwithECDSA");
      verifier.initVerify(key);
      verifier.update(image.hash());
      if (!verifier.verify(sig)) {
        throw new ImageFormatException("the image's ECDSA signature does not verify");
      }
    } catch (GeneralSecurityException e) {
      throw new ImageFormatException("the image's ECDSA signature cannot be checked: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the key's DER SubjectPublicKeyInfo, as TLV 0x01 carries it. */
  public static byte[] keyHash(PublicKey key) {
    byte[] der = key.getEncoded();
    return McubootImage.sha256(der, 0, der.length);
  }

  /** A DER ECDSA signature of an image hash, as imgtool makes it. */
  static byte[] sign(byte[] imageHash, PrivateKey key) {
    try {
      Signature signer = Signature.getInstance("NONEwithECDSA");
      signer.initSign(key);
      signer.update(imageHash);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with " + key.getAlgorithm() + ": " + e.getMessage(), e);
    }
  }
}
