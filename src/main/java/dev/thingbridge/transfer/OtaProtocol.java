package dev.thingbridge.transfer;

import java.util.Locale;
import java.util.Optional;

/**
 * How a file reaches the device: over MQTT streams, by HTTP from {@code update_data_url}, or from a file already on
 * the device ({@code FILE}, which only documents of thingbridge's own formats ask for, never {@code afr_ota}).
 */
public enum OtaProtocol {
  /** AWS IoT MQTT-based file delivery ({@code $aws/things/{thing}/streams/{stream}/...}). */
  MQTT,
  /** HTTP {@code GET} with {@code Range} on the file's pre-signed URL. */
  HTTP,
  /**
   * A file already on the device, under the root given to {@link OtaUpdater.Builder#localFiles}; the document names
   * it with {@link OtaDocument#localPath}.
   */
  FILE;

  /** The protocol a job document names ({@code "MQTT"}, {@code "HTTP"}, any case), if it is one of these. */
  public static Optional<OtaProtocol> fromWire(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "MQTT" -> Optional.of(MQTT);
      case "HTTP", "HTTPS" -> Optional.of(HTTP);
      default -> Optional.empty();
    };
  }
}
