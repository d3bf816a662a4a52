package dev.thingbridge.mcu;

import dev.thingbridge.mcu.image.McubootImage;

/**
 * Decides whether an image may be flashed, before the device is touched: the place for the OTA job's signature
 * check of an image downloaded from a job (the OTA layer passes its verifier), or for an MCUboot signature check
 * with the device's key. The image's structure and hash TLV are always checked first.
 */
@FunctionalInterface
public interface ImageVerifier {
  /** Accepts every image whose structure and hash check. */
  ImageVerifier NONE = image -> { };

  /**
   * Checks {@code image}.
   *
   * @throws ImageRejectedException with the reason, to refuse it
   */
  void verify(McubootImage image) throws ImageRejectedException;

  /** This check, then {@code next}. */
  default ImageVerifier andThen(ImageVerifier next) {
    return image -> {
      verify(image);
      next.verify(image);
    };
  }

  /** Requires a valid MCUboot ECDSA-P256 signature by {@code key}. */
  static ImageVerifier mcubootSignature(java.security.PublicKey key) {
    return image -> {
      try {
        dev.thingbridge.mcu.image.ImageSignatures.verifyEcdsaP256(image, key);
      } catch (dev.thingbridge.mcu.image.ImageFormatException e) {
        throw new ImageRejectedException(e.getMessage(), e);
      }
    };
  }
}
