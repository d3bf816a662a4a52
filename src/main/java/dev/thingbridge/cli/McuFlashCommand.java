package dev.thingbridge.cli;

import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.FlashResult;
import dev.thingbridge.mcu.HealthCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcu flash}: the whole update flow (upload, test, reset, health check, confirm; revert on failure), with a
 * progress bar on a terminal and the result as JSON.
 */
@Command(name = "flash", description = "Flash an MCUboot image: upload (resumable), mark for test, reset, check the"
    + " new image (an SMP echo, or --confirm-after), confirm; an image that does not come up or fails its check is"
    + " reverted. Prints the result as JSON; exit 1 when the image was refused or reverted.")
final class McuFlashCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin McuPortOptions port;
  @Mixin OutputOptions output;

  @Option(names = "--image", paramLabel = "FILE", required = true, description = "The MCUboot image (imgtool's"
      + " signed .bin).")
  Path image;

  @Option(names = "--confirm-after", paramLabel = "CMD", description = "Health check: an executable run (by the"
      + " shell) once the new image booted, with the port released and THINGBRIDGE_MCU_PORT, _VERSION, _HASH set;"
      + " exit 0 means healthy. Default: an SMP echo.")
  String confirmAfter;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep a journal here so that a flash"
      + " interrupted by a restart continues (same image) or is cleaned up (another image).")
  Path stateDir;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
      description = "Give up (exit code 4) after this long in all. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    byte[] file = read(image);
    FlashOptions.Builder options = FlashOptions.builder().timeout(timeout);
    if (stateDir != null) {
      options.stateDir(StateDirs.check("--state-dir", stateDir));
    }
    if (confirmAfter != null) {
      if (confirmAfter.isBlank()) {
        throw new UsageException("--confirm-after needs a command");
      }
      options.healthCheck(HealthCheck.command(List.of("sh", "-c", confirmAfter)), Duration.ofMinutes(5));
    }
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    McuProgress progress = new McuProgress(spec.commandLine().getErr(), root.stdoutIsTerminal(),
        root.logging.verbose(spec, root.environment()));
    FlashResult result = McuCommand.withDevice(port,
        d -> McuCommand.await(d.flash(file, options.build(), progress), timeout));
    output.reply(McuCommand.render(result));
    if (!result.succeeded()) {
      spec.commandLine().getErr().println("error: " + result.outcome().name().toLowerCase(java.util.Locale.ROOT)
          + ": " + result.reason());
      spec.commandLine().getErr().flush();
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }

  private static byte[] read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--image " + file + " is not a file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("--image " + file + " cannot be read: " + e.getMessage(), e);
    }
  }
}
