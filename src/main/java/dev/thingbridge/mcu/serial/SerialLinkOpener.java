package dev.thingbridge.mcu.serial;

import java.io.IOException;

/** Opens serial ports by name: {@link JSerialCommOpener} for real ports and PTYs, {@link InMemorySerialPorts} in tests. */
@FunctionalInterface
public interface SerialLinkOpener {
  /**
   * Opens {@code name} exclusively.
   *
   * @throws PortUnavailableException if the port does not exist, is open elsewhere or may not be opened
   * @throws IOException for other failures
   */
  SerialLink open(String name, SerialSettings settings) throws IOException;
}
