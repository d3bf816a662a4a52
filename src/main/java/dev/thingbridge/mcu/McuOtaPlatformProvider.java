package dev.thingbridge.mcu;

import dev.thingbridge.transfer.OtaPlatform;
import dev.thingbridge.transfer.OtaPlatformProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code mcu} kind of OTA platform, for {@code thingbridge ota run --platform mcu:PORT[,framing=raw][,baud=N]
 * [,mtu=N][,id=NAME]}: an MCU on {@code PORT}, flashed with the default health check (an SMP echo), its flash journal
 * in the OTA state directory. Registered in {@code META-INF/services}.
 */
public final class McuOtaPlatformProvider implements OtaPlatformProvider {
  /** How long a new image waits for the OTA self-test's verdict before it is reverted. */
  static final Duration VERDICT_TIMEOUT = Duration.ofMinutes(10);

  @Override
  public String kind() {
    return "mcu";
  }

  /**
   * Opens the MCU's port.
   *
   * @throws IllegalArgumentException for a malformed name
   * @throws McuPortException if the port cannot be opened
   */
  @Override
  public OtaPlatform create(String name, Path stateDir) {
    McuConfig config = config(name);
    FlashOptions options = FlashOptions.builder().stateDir(stateDir).build();
    return McuOtaPlatform.owning(McuDevice.open(config), options, VERDICT_TIMEOUT);
  }

  /** {@code PORT[,key=value...]} with the keys framing, baud, mtu and id. */
  static McuConfig config(String name) {
    String[] parts = name.split(",", -1);
    if (parts[0].isBlank()) {
      throw new IllegalArgumentException("mcu:PORT needs a serial port, e.g. mcu:/dev/ttyACM0,baud=115200: " + name);
    }
    McuConfig.Builder b = McuConfig.builder(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("mcu platform option '" + parts[i] + "' is not key=value");
      }
      String key = parts[i].substring(0, eq);
      String value = parts[i].substring(eq + 1);
      switch (key) {
        case "framing" -> b.framing(Framing.parse(value));
        case "baud" -> b.baud(number(key, value));
        case "mtu" -> b.bufSize(number(key, value));
        case "id" -> b.id(value);
        default -> throw new IllegalArgumentException("unknown mcu platform option '" + key
            + "' (framing, baud, mtu, id)");
      }
    }
    return b.build();
  }

  private static int number(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mcu platform option " + key + " must be a number: " + value, e);
    }
  }
}
