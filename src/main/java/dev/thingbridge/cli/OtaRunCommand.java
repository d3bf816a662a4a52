package dev.thingbridge.cli;

import dev.thingbridge.mcu.FlashJobDocument;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.transfer.CodeSigningVerifier;
import dev.thingbridge.transfer.GatewayPlatform;
import dev.thingbridge.transfer.OtaAgent;
import dev.thingbridge.transfer.OtaConfig;
import dev.thingbridge.transfer.OtaPlatform;
import dev.thingbridge.transfer.OtaPlatformProvider;
import dev.thingbridge.transfer.OtaProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ota run}: takes the thing's OTA jobs and applies them until stopped. */
@Command(name = "run",
    description = {"Take the thing's OTA jobs (afr_ota; with --platform mcu:PORT also flash jobs) and apply them: "
        + "download over MQTT streams or HTTP "
        + "(resumed after a restart), check the signature, install into the install directory, activate firmware "
        + "and commit it after its self-test.",
        "Prints one JSON line when ready and one per update (succeeded, failed, rejected, canceled, restarting); "
            + "on a terminal a progress bar on standard error too. Ctrl-C or SIGTERM stops it; a download in "
            + "progress resumes at the next run."})
final class OtaRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThingOption thing;
  @Mixin DeviceConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--state-dir", required = true, paramLabel = "DIR",
      description = "Where downloads, the running job and the image state are kept.")
  Path stateDir;

  @Option(names = "--install-dir", paramLabel = "DIR",
      description = "Where files are installed (default: <state-dir>/files). A job's certfile is looked up in its "
          + "trust/ folder.")
  Path installDir;

  @Option(names = "--code-signing-cert", paramLabel = "PEM",
      description = "The code-signing certificate files must be signed with (without it, only a job's certfile in "
          + "<install-dir>/trust is trusted).")
  Path codeSigningCert;

  @Option(names = "--allow-sha1", description = "Accept sig-sha1-* signatures too.")
  boolean allowSha1;

  @Option(names = "--platform", defaultValue = "gateway", paramLabel = "PLATFORM",
      description = "What is updated: gateway (this device, the default) or mcu:NAME (an attached MCU).")
  String platform;

  @Option(names = "--self-test", paramLabel = "CMD",
      description = "Executable run to check new firmware (exit 0: keep it; otherwise it is rolled back).")
  Path selfTest;

  @Option(names = "--self-test-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "5m",
      description = "How long the self-test may take (default: ${DEFAULT-VALUE}).")
  Duration selfTestTimeout;

  @Option(names = "--restart-exit-code", paramLabel = "N",
      description = "After installing firmware, exit with N so that a supervisor restarts the new version (the "
          + "self-test then runs at the next start). Default: self-test at once.")
  Integer restartExitCode;

  @Option(names = "--protocol", split = ",", paramLabel = "MQTT|HTTP",
      description = "Protocols this device downloads with (default: both; the job's order decides).")
  List<String> protocols;

  @Option(names = "--block-size", paramLabel = "BYTES", defaultValue = "4096",
      description = "Stream block size, 256-131072 (default: ${DEFAULT-VALUE}).")
  int blockSize;

  @Option(names = "--blocks-per-request", paramLabel = "N",
      description = "Stream blocks asked for in one request (default: 16, as rustot; FreeRTOS asks for 1); one "
          + "request spans at most the window of 31 blocks. Under AWS's limits keep N x block size within 128 KiB.")
  Integer blocksPerRequest;

  @Option(names = {"-C", "--count"}, paramLabel = "N", description = "Exit after N updates ended (default: run until "
      + "Ctrl-C or SIGTERM).")
  Integer maxUpdates;

  @Override
  public Integer call() throws Exception {
    if (maxUpdates != null && maxUpdates < 1) {
      throw new UsageException("--count must be at least 1: " + maxUpdates);
    }
    StateDirs.check("--state-dir", stateDir);
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    OtaConfig config = config();
    CodeSigningVerifier verifier = verifier();
    AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
    try (StopSignal stop = root.exit().stopSignal(TwinCommand.STOP_BUDGET)) {
      OtaPlatform p = platform(() -> {
        exitCode.set(restartExitCode);
        stop.stopNow();
      });
      AtomicInteger ended = new AtomicInteger();
      OtaProgressPrinter.Terminal bar = root.terminalColumns().stream()
          .mapToObj(columns -> new OtaProgressPrinter.Terminal(spec.commandLine().getErr(), columns))
          .findFirst().orElse(null);
      OtaProgressPrinter printer = new OtaProgressPrinter(output::event, bar, () -> {
        if (maxUpdates != null && ended.incrementAndGet() >= maxUpdates) {
          stop.stopNow();
        }
      });
      // The platform is closed last (an MCU's port is released once the agent has stopped), also when the
      // connection cannot be made.
      try (AutoCloseable owned = p instanceof AutoCloseable c ? c : () -> { };
          MqttClient mqtt = connection.connect(thing.name(), stop)) {
        OtaAgent.Builder b = OtaAgent.builder(mqtt, p, stateDir).thingName(thing.name()).config(config)
            .listener(printer);
        if (p instanceof McuOtaPlatform) {
          // An MCU also takes flash jobs (image by URL or stream, pinned by its SHA-256, signed or not), as in the
          // component; a flash job's "file" source has no directory here and is refused.
          b.documentAdapter(FlashJobDocument.FLASH_OR_AFR_OTA).verifier(FlashJobDocument.signedOrPinned(verifier));
        } else {
          b.verifier(verifier);
        }
        if (protocols != null) {
          b.protocols(protocols());
        }
        try (OtaAgent agent = b.build()) {
          JobsCommand.await(agent.start());
          output.event(OutputOptions.Json.MAPPER.createObjectNode().put("event", "ready").put("thing", thing.name())
              .put("installDir", installDir().toString())
              .put("codeSigningCertificate", codeSigningCert == null ? null : codeSigningCert.toString()));
          stop.await(null);
        }
      }
      if (exitCode.get() == ExitCodes.OK && maxUpdates != null && !printer.lastSucceeded()) {
        exitCode.set(ExitCodes.FAILURE);
      }
    }
    return exitCode.get();
  }

  private Path installDir() {
    return installDir != null ? installDir : stateDir.resolve("files");
  }

  private OtaConfig config() {
    try {
      OtaConfig.Builder c = OtaConfig.defaults().toBuilder().blockSize(blockSize);
      if (blocksPerRequest != null) {
        c.maxBlocksPerRequest(blocksPerRequest);
      }
      if (selfTest != null) {
        c.selfTestTimeout(selfTestTimeout);
      }
      return c.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private EnumSet<OtaProtocol> protocols() {
    EnumSet<OtaProtocol> s = EnumSet.noneOf(OtaProtocol.class);
    for (String name : protocols) {
      s.add(OtaProtocol.fromWire(name).orElseThrow(() -> new UsageException("--protocol must be mqtt or http: " + name)));
    }
    return s;
  }

  private CodeSigningVerifier verifier() {
    CodeSigningVerifier.Builder v = CodeSigningVerifier.builder().trustDirectory(installDir().resolve("trust"))
        .allowSha1(allowSha1);
    if (codeSigningCert != null) {
      try {
        v.certificate(codeSigningCert);
      } catch (IOException e) {
        throw new UsageException("--code-signing-cert " + codeSigningCert + ": " + e.getMessage(), e);
      }
    }
    return v.build();
  }

  private OtaPlatform platform(Runnable restart) {
    if (platform.equals("gateway")) {
      GatewayPlatform.Builder g = GatewayPlatform.builder(stateDir).installDir(installDir());
      if (restartExitCode != null) {
        g.restartAction(restart);
      }
      if (selfTest != null) {
        if (!Files.isExecutable(selfTest)) {
          throw new UsageException("--self-test is not an executable file: " + selfTest);
        }
        g.selfTest((jobId, details) -> runSelfTest(jobId));
      }
      return g.build();
    }
    int colon = platform.indexOf(':');
    if (colon <= 0 || colon == platform.length() - 1) {
      throw new UsageException("--platform must be gateway or <kind>:<name>, e.g. mcu:sensor-1: " + platform);
    }
    String kind = platform.substring(0, colon);
    OtaPlatformProvider provider = OtaPlatformProvider.find(kind).orElseThrow(() -> new UsageException(
        "no '" + kind + "' platform in this build (--platform gateway or mcu:NAME)"));
    try {
      return provider.create(platform.substring(colon + 1), stateDir);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private void runSelfTest(String jobId) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(selfTest.toAbsolutePath().toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("THINGBRIDGE_JOB_ID", jobId);
    pb.environment().put("THINGBRIDGE_THING_NAME", thing.name());
    Process process = pb.start();
    try {
      if (!process.waitFor(selfTestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the self-test did not finish in " + selfTestTimeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("the self-test exited with " + process.exitValue());
      }
    } finally {
      process.destroyForcibly();
    }
  }
}
