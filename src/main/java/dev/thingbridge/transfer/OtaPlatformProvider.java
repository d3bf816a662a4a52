package dev.thingbridge.transfer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Makes platforms by kind, for {@code thingbridge ota run --platform <kind>:<name>}: the MCU bridge registers
 * {@code mcu} (through {@code META-INF/services/dev.thingbridge.transfer.OtaPlatformProvider}), so that the CLI
 * and the component can update an attached MCU without knowing its classes.
 */
public interface OtaPlatformProvider {
  /** The kind this provider makes, e.g. {@code mcu}. */
  String kind();

  /**
   * A platform for the device named {@code name} (what follows the colon).
   *
   * @param stateDir the OTA state directory, for the platform's own state
   * @throws IllegalArgumentException when no such device is configured
   */
  OtaPlatform create(String name, Path stateDir);

  /** The provider of a kind, if one is on the class path. */
  static Optional<OtaPlatformProvider> find(String kind) {
    for (OtaPlatformProvider p : ServiceLoader.load(OtaPlatformProvider.class)) {
      if (p.kind().equals(kind)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
