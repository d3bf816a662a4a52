package dev.thingbridge.cli;

import picocli.CommandLine.Command;

/** {@code thingbridge defender}: AWS IoT Device Defender metrics from the device. The work is in the subcommands. */
@Command(name = "defender",
    description = "AWS IoT Device Defender device-side metrics: publish one report, or report on a schedule.",
    subcommands = {DefenderReportCommand.class, DefenderRunCommand.class})
final class DefenderCommand {
  private DefenderCommand() {}
}
