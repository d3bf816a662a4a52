package dev.thingbridge.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcu reset}: the OS group's reset command. */
@Command(name = "reset", description = "Reset the MCU (an image marked for test boots now; an unconfirmed one is"
    + " reverted).")
final class McuResetCommand implements Callable<Integer> {
  @Mixin McuPortOptions port;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Give up (exit code 4) after this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    McuCommand.withDevice(port, d -> McuCommand.await(d.reset(), timeout));
    return ExitCodes.OK;
  }
}
