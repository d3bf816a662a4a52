package dev.thingbridge.cli;

import dev.thingbridge.mcu.Framing;
import dev.thingbridge.mcu.McuConfig;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The serial flags every {@code mcu} command that talks to a device shares: a picocli mixin. */
public final class McuPortOptions {
  @Option(names = "--port", paramLabel = "DEVICE", required = true,
      description = "The MCU's serial port; prefer /dev/serial/by-id/... (stable when a USB device re-enumerates).")
  String port;

  @Option(names = "--framing", paramLabel = "CONSOLE|RAW", defaultValue = "console", converter = FramingConverter.class,
      description = "SMP framing: console (base64 lines, Zephyr's and MCUboot's default) or raw. Default: "
          + "${DEFAULT-VALUE}.")
  Framing framing;

  @Option(names = "--baud", paramLabel = "N", defaultValue = "115200",
      description = "Baud rate (8N1; USB-CDC ignores it). Default: ${DEFAULT-VALUE}.")
  int baud;

  @Option(names = "--mtu", paramLabel = "BYTES",
      description = "The device's SMP buffer size, when it does not report it or reports it wrong (default: ask).")
  Integer mtu;

  /** The device's configuration from these flags. */
  McuConfig config() {
    if (baud <= 0) {
      throw new UsageException("--baud must be positive, got " + baud);
    }
    if (mtu != null && (mtu < 64 || mtu > 65535)) {
      throw new UsageException("--mtu must be 64..65535 bytes, got " + mtu);
    }
    try {
      return McuConfig.builder(port).baud(baud).framing(framing).bufSize(mtu == null ? 0 : mtu).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }


  /** Reads {@code console} or {@code raw}. */
  static final class FramingConverter implements CommandLine.ITypeConverter<Framing> {
    @Override
    public Framing convert(String value) {
      try {
        return Framing.parse(value.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a framing (console or raw)");
      }
    }
  }
}
