package dev.thingbridge.provisioning;

import dev.thingbridge.internal.Pki;
import java.security.KeyPair;

/** The key pair thingbridge makes for a certificate signing request. */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256 (secp256r1): small, fast, what AWS IoT and most MCUs prefer. The default. */
  EC_P256,
  /** RSA with a 2048-bit modulus, for stacks without EC support. */
  RSA_2048;

  /** A fresh key pair of this kind. */
  public KeyPair generate() {
    return this == EC_P256 ? Pki.newEcP256() : Pki.newRsa(2048);
  }
}
