package dev.thingbridge.cli;

import dev.thingbridge.mcu.Framing;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.LinkFaults;
import dev.thingbridge.mcu.fake.PtyPair;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.RawFraming;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcu fake --pty}: the fake MCU of the tests on a pseudo-terminal, so that every {@code mcu} command (and
 * mcumgr, smpclient or a terminal program) can be tried without hardware. Prints the PTY's path first; the path is
 * a symbolic link that stays the same when the fake resets or re-enumerates.
 */
@Command(name = "fake", description = "Run a fake MCU (MCUboot and a Zephyr application with mcumgr, two slots,"
    + " test/confirm/revert) on a pseudo-terminal until stopped. Prints the PTY's path as the first line. Needs"
    + " socat.")
final class McuFakeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--pty", required = true, description = "Attach the fake to a pseudo-terminal (the only"
      + " transport for now).")
  boolean pty;

  @Option(names = "--link", paramLabel = "FILE", description = "Where to make the PTY's path (a symbolic link)."
      + " Default: ttyMCU in a new temporary directory.")
  Path link;

  @Option(names = "--framing", paramLabel = "CONSOLE|RAW", defaultValue = "console",
      converter = McuPortOptions.FramingConverter.class, description = "SMP framing. Default: ${DEFAULT-VALUE}.")
  Framing framing;

  @Option(names = "--mtu", paramLabel = "BYTES", description = "SMP buffer size (default 384; 1024 with --recovery).")
  Integer mtu;

  @Option(names = "--mode", paramLabel = "SWAP|OVERWRITE-ONLY|SINGLE-APP", defaultValue = "swap",
      description = "MCUboot mode: swap (test, confirm, revert), overwrite-only or single-app (updates through serial"
          + " recovery). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--recovery", description = "Start in MCUboot's serial recovery (single slot, no rollback).")
  boolean recovery;

  @Option(names = "--image-version", paramLabel = "VERSION", defaultValue = "1.0.0",
      description = "Version of the image it runs at start. Default: ${DEFAULT-VALUE}.")
  String imageVersion;

  @Option(names = "--crash-version", paramLabel = "VERSION",
      description = "A new image of this version crashes at boot (MCUboot then reverts it).")
  String crashVersion;

  @Option(names = "--baud", paramLabel = "N", description = "Pace both directions as a UART at N baud 8N1 would"
      + " (default: unpaced; a PTY itself ignores the baud rate).")
  Integer baud;

  @Option(names = "--boot-delay", paramLabel = "DURATION", defaultValue = "0.2", converter = DurationConverter.class,
      description = "Silence after a reset. Default: ${DEFAULT-VALUE} s.")
  Duration bootDelay;

  @Option(names = "--reenumerate", description = "Take the PTY away during each boot, as a USB-CDC device does.")
  boolean reenumerate;

  @Option(names = "--bit-error-rate", paramLabel = "RATE", defaultValue = "0",
      description = "Flip bits with this probability, both ways (e.g. 1e-5). Default: ${DEFAULT-VALUE}.")
  double bitErrorRate;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the faults. Default:"
      + " ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: run until Ctrl-C or SIGTERM).")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    FakeMcuOptions options = options();
    if (!PtyPair.socatAvailable()) {
      throw new UsageException("mcu fake --pty needs socat (Debian/Ubuntu: apt-get install socat)");
    }
    Path path = link != null ? link.toAbsolutePath() : Files.createTempDirectory("thingbridge-mcu").resolve("ttyMCU");
    PrintWriter out = spec.commandLine().getOut();
    boolean interrupted = false;
    try (StopSignal stop = ThingBridgeCommand.of(spec).exit().stopSignal(TwinCommand.STOP_BUDGET);
        FakeMcu mcu = FakeMcu.start(FakeMcuPort.pty(path), options)) {
      out.println(path);
      out.flush();
      org.slf4j.LoggerFactory.getLogger(McuFakeCommand.class).info("fake MCU on {} ({}, buffer {}, {})", path,
          framing.name().toLowerCase(Locale.ROOT), options.bufSize(), recovery ? "serial recovery" : "mode " + mode);
      try {
        stop.await(duration);
      } catch (InterruptedException e) {
        interrupted = true; // a test's way of stopping it; kept off the thread until the PTY is closed
      }
    } catch (IOException e) {
      throw new UsageException("cannot make the PTY at " + path + ": " + e.getMessage(), e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private FakeMcuOptions options() {
    if (bitErrorRate < 0 || bitErrorRate > 1) {
      throw new UsageException("--bit-error-rate must be within 0..1, got " + bitErrorRate);
    }
    if (baud != null && baud <= 0) {
      throw new UsageException("--baud must be positive, got " + baud);
    }
    FakeMcuOptions.Builder b = FakeMcuOptions.builder().name("fake")
        .framing(framing == Framing.RAW ? new RawFraming() : new ConsoleFraming())
        .mode(bootloaderMode()).bootDelay(bootDelay).reenumerateOnReset(reenumerate)
        .initialImage(McubootImageBuilder.create().version(version("--image-version", imageVersion))
            .randomBody(16 * 1024, 1).build());
    if (recovery) {
      b.personality(FakeMcuOptions.Personality.MCUBOOT_RECOVERY);
    }
    if (mtu != null) {
      if (mtu < 64 || mtu > 65535) {
        throw new UsageException("--mtu must be 64..65535 bytes, got " + mtu);
      }
      b.bufSize(mtu);
    }
    if (crashVersion != null) {
      b.failingVersion(version("--crash-version", crashVersion), FakeMcuOptions.Failure.CRASHES);
    }
    LinkFaults faults = LinkFaults.NONE.withNoise(bitErrorRate, 0, 0, seed);
    b.faults(baud != null ? faults.withBaud(baud) : faults);
    return b.build();
  }

  private BootloaderMode bootloaderMode() {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "swap" -> BootloaderMode.SWAP_USING_SCRATCH;
      case "overwrite-only" -> BootloaderMode.OVERWRITE_ONLY;
      case "single-app" -> BootloaderMode.SINGLE_APP;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--mode must be swap, overwrite-only or single-app, got '" + mode + "'");
    };
  }

  private static ImageVersion version(String flag, String text) {
    try {
      return ImageVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage(), e);
    }
  }
}
