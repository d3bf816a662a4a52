package dev.thingbridge.twin.provisioning;

import java.util.Locale;

/** A certificate's status, as AWS IoT names them. Fleet provisioning issues certificates PENDING_ACTIVATION. */
public enum CertificateStatus {
  ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION;

  /** The status named by {@code text}, ignoring case ({@code Active} in templates); null if none. */
  public static CertificateStatus parse(String text) {
    if (text == null) {
      return null;
    }
    for (CertificateStatus s : values()) {
      if (s.name().equals(text.toUpperCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }
}
