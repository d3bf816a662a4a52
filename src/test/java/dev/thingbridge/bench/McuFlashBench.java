package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mcu.FlashListener;
import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.FlashResult;
import dev.thingbridge.mcu.McuConfig;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.JSerialCommOpener;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.serial.SerialSettings;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.McuMgr;
import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.SmpClient;
import dev.thingbridge.mcu.smp.SmpHeader;
import dev.thingbridge.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Flash throughput as users run it: the fake MCU as its own process ({@code thingbridge mcu fake --pty --baud B
 * --mtu M}, pacing both directions as a UART at B baud 8N1 would) and {@code thingbridge mcu flash} as another
 * process on the PTY, through jSerialComm; the upload rate comes from the result's {@code uploadSeconds}. A fresh
 * JVM per flash is what a user of the CLI runs; the Greengrass component flashes from a long-running JVM, so the same
 * flash through {@code McuDevice} in this (warm) JVM, over the same PTY and fake, is measured too.
 *
 * <p>Baseline, measured in the same run against the same fake process: the line-rate model of serial-bridge.md §5
 * played bare, i.e. stop-and-wait exchanges of upload chunks of exactly the flash's size that the fake answers at
 * once with a short {@code {off: 0}} (no upload in progress, so nothing is written): what the line, the pacing,
 * the PTY and jSerialComm allow with no flash logic at all. The nominal §5 model (baud / 10, no latency) is printed
 * beside it. Targets: flash / measured model at least 0.9; at least 7 KiB/s at 115200 baud with 1024-byte buffers.
 *
 * <p>Run after {@code ./mvnw -q -B package -DskipTests}: {@code ./mvnw -q -B test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.thingbridge.bench.McuFlashBench [-Dexec.args="ROUNDS"]}.
 */
public final class McuFlashBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");

  private McuFlashBench() {}

  private record Config(int baud, int buf, int imageBytes) {}

  private record Row(Config c, int chunkData, int wireRequest, int wireReply, double nominalKiBps,
      double modelKiBps, double flashKiBps, double libraryKiBps) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    if (!Files.exists(Path.of(JAR))) {
      throw new IllegalStateException(JAR + " is missing: run ./mvnw -q -B package -DskipTests first");
    }
    List<Config> configs = List.of(new Config(115_200, 384, 96 * 1024), new Config(115_200, 1024, 96 * 1024),
        new Config(1_000_000, 384, 200 * 1024), new Config(1_000_000, 1024, 200 * 1024));
    List<Row> rows = new ArrayList<>();
    for (Config c : configs) {
      rows.add(measure(c, rounds));
    }
    System.out.printf(Locale.ROOT, "%n| Baud | Buffer | Data per chunk | Wire bytes request + reply | §5 model,"
        + " nominal | Model, measured bare | mcu flash (own JVM) | Ratio to measured | McuDevice (warm JVM) |"
        + " Ratio to measured | Ratio to nominal |%n");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %,d | %d | %d | %d + %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
          r.c().baud(), r.c().buf(), r.chunkData(), r.wireRequest(), r.wireReply(), r.nominalKiBps(),
          r.modelKiBps(), r.flashKiBps(), r.flashKiBps() / r.modelKiBps(), r.libraryKiBps(),
          r.libraryKiBps() / r.modelKiBps(), r.libraryKiBps() / r.nominalKiBps());
    }
    System.out.println("(KiB/s; best of " + rounds + " rounds each)");
  }

  private static Row measure(Config c, int rounds) throws Exception {
    Path dir = Files.createTempDirectory("mcu-bench");
    Path port = dir.resolve("ttyMCU");
    ConsoleFraming framing = new ConsoleFraming();
    int chunkData = chunkData(c.buf());
    int wireRequest = framing.wireSize(message(chunkData, 4096).length);
    int wireReply = framing.wireSize(SmpHeader.SIZE + SmpCbor.encode(Map.of("off", 4096L), false).length);
    double bytesPerSecond = c.baud() / 10.0;
    double nominal = chunkData / ((wireRequest + wireReply) / bytesPerSecond) / 1024;
    double bestModel = 0;
    double bestFlash = 0;
    double bestLibrary = 0;
    try (ChildProcess fake = ChildProcess.start(ChildProcess.javaJar(JAR, "mcu", "fake", "--pty", "--link",
        port.toString(), "--baud", String.valueOf(c.baud()), "--mtu", String.valueOf(c.buf()), "--boot-delay", "0.05",
        "--duration", "1800"))) {
      fake.awaitLine(l -> l.equals(port.toString()), Duration.ofSeconds(30));
      for (int round = 0; round < rounds; round++) {
        bestModel = Math.max(bestModel, bare(port, c, chunkData));
        bestFlash = Math.max(bestFlash, flash(dir, port, c, 2 * round));
        bestLibrary = Math.max(bestLibrary, library(port, c, 2 * round + 1));
        System.out.printf(Locale.ROOT, "%d baud, buffer %d, round %d: best so far: model measured %.2f KiB/s, flash"
            + " %.2f KiB/s, McuDevice %.2f KiB/s%n", c.baud(), c.buf(), round + 1, bestModel, bestFlash, bestLibrary);
      }
    }
    return new Row(c, chunkData, wireRequest, wireReply, nominal, bestModel, bestFlash, bestLibrary);
  }

  /** Data bytes per continuation chunk that fit {@code buf} (console framing: buf − 4), as the flash sends them. */
  private static int chunkData(int buf) {
    int n = 0;
    while (message(n + 1, 200_000).length <= buf - 4) {
      n++;
    }
    return n / 8 * 8;
  }

  private static byte[] message(int dataBytes, long off) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("off", off);
    body.put("data", new byte[dataBytes]);
    byte[] cbor = SmpCbor.encode(body);
    byte[] m = new byte[SmpHeader.SIZE + cbor.length];
    System.arraycopy(cbor, 0, m, SmpHeader.SIZE, cbor.length);
    return m;
  }

  /** Stop-and-wait chunk exchanges with no flash logic: the fake answers {off: 0} without writing. */
  private static double bare(Path port, Config c, int chunkData) throws Exception {
    try (SerialLink link = new JSerialCommOpener().open(port.toString(), SerialSettings.of(c.baud()))) {
      McuMgr mgr = new McuMgr(new SmpClient(link, new ConsoleFraming()));
      mgr.echo("warm-up", Duration.ofSeconds(5), 3);
      int exchanges = c.imageBytes() / chunkData;
      long t0 = System.nanoTime();
      for (int i = 0; i < exchanges; i++) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("off", 200_000L + i);
        body.put("data", new byte[chunkData]);
        if (mgr.upload(body, Duration.ofSeconds(5), 3, "bare chunk").offset() != 0) {
          throw new IllegalStateException("the fake had an upload in progress");
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return (double) exchanges * chunkData / 1024 / seconds;
    }
  }

  private static byte[] image(Config c, int n) {
    return McubootImageBuilder.create().version((n + 2) + ".0.0").randomBody(c.imageBytes() - 72, n).build();
  }

  /** The same flash through the library in this JVM (warm after the first round), over the same PTY. */
  private static double library(Path port, Config c, int n) throws Exception {
    McuConfig config = McuConfig.builder(port.toString()).baud(c.baud()).build();
    try (McuDevice device = McuDevice.open(config)) {
      FlashResult r = device.flash(image(c, n), FlashOptions.defaults(), FlashListener.NONE).get(10, TimeUnit.MINUTES);
      if (r.outcome() != FlashResult.Outcome.UPDATED) {
        throw new IllegalStateException("McuDevice flash: " + r);
      }
      return r.uploadKiBPerSecond();
    }
  }

  private static double flash(Path dir, Path port, Config c, int n) throws Exception {
    Path image = dir.resolve("app-" + n + ".bin");
    Files.write(image, image(c, n));
    ProcessBuilder pb = ChildProcess.javaJar(JAR, "mcu", "flash", "--port", port.toString(), "--image",
        image.toString(), "--baud", String.valueOf(c.baud()));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("mcu flash exited " + p.exitValue() + ": " + out);
    }
    JsonNode r = JSON.readTree(out);
    if (!"UPDATED".equals(r.get("outcome").asText())) {
      throw new IllegalStateException("mcu flash: " + out);
    }
    return r.get("bytesUploaded").asLong() / 1024.0 / r.get("uploadSeconds").asDouble();
  }
}
