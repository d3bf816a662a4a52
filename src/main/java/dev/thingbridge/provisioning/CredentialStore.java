package dev.thingbridge.provisioning;

import java.io.IOException;

/**
 * Keeps what provisioning hands out. {@link #save} runs after the certificate is issued and <em>before</em>
 * RegisterThing, so a registration that fails (or a crash) leaves the device with its key and certificate;
 * if {@code save} throws, provisioning stops and the certificate is never activated.
 *
 * <p>Implementations must not log the private key. {@link FileCredentialStore} writes PEM files atomically.
 */
public interface CredentialStore {
  /** Stores the new certificate and, when there is one, its private key. */
  void save(DeviceCredentials credentials) throws IOException;

  /** Records the registration once RegisterThing was accepted (default: nothing). */
  default void registered(Registration registration) throws IOException {}

  /** A store that keeps nothing (the caller takes the credentials from the result). */
  static CredentialStore none() {
    return credentials -> {};
  }
}
