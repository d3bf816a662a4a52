package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: {@code mcu fake --pty} in one process, {@code mcu flash} and {@code mcu
 * list-images} in others, over the PTY; the fake stopped with SIGTERM.
 */
class McuFakeIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode run(String... args) throws Exception {
    ProcessBuilder pb = ChildProcess.javaJar(JAR, args).redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", args) + ": " + out).isZero();
    return JSON.readTree(out);
  }

  @Test
  void a_user_flashes_the_fake_over_its_pty_with_separate_processes() throws Exception {
    Path port = dir.resolve("ttyMCU");
    Path image = dir.resolve("app.bin");
    Files.write(image, McubootImageBuilder.create().version("2.0.0").randomBody(30_000, 1).build());
    try (ChildProcess fake = ChildProcess.start(ChildProcess.javaJar(JAR, "mcu", "fake", "--pty", "--link",
        port.toString()))) {
      assertThat(fake.awaitLine(l -> !l.isBlank(), Duration.ofSeconds(30))).isEqualTo(port.toString());
      JsonNode flash = run("mcu", "flash", "--port", port.toString(), "--image", image.toString());
      assertThat(flash.get("outcome").asText()).isEqualTo("UPDATED");
      assertThat(flash.get("uploadKiBps").asDouble()).isPositive();
      JsonNode images = run("mcu", "list-images", "--port", port.toString());
      assertThat(images.get(0).get("version").asText()).isEqualTo("2.0.0");
      assertThat(images.get(0).get("confirmed").asBoolean()).isTrue();
      ChildProcess.signal(fake.pid(), "TERM");
      assertThat(fake.awaitExit(Duration.ofSeconds(10))).as("128 + SIGTERM").isEqualTo(143);
      assertThat(port).doesNotExist();
      assertThat(fake.output()).doesNotContain("Exception");
    }
  }
}
