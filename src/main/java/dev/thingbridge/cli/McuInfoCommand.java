package dev.thingbridge.cli;

import dev.thingbridge.mcu.DeviceInfo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcu info}: probe the device (SMP version, buffer, bootloader and mode, OS information). */
@Command(name = "info", description = "Print what the MCU says about itself: SMP version, buffer size, bootloader"
    + " and its mode (whether updates can roll back), OS and application information. JSON.")
final class McuInfoCommand implements Callable<Integer> {
  @Mixin McuPortOptions port;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Give up (exit code 4) after this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    DeviceInfo info = McuCommand.withDevice(port, d -> McuCommand.await(d.info(), timeout));
    output.reply(McuCommand.render(info));
    return ExitCodes.OK;
  }
}
