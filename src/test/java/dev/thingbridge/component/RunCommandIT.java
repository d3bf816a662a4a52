package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, started as the nucleus would start it, against the fake nucleus. */
@Timeout(120)
class RunCommandIT {
  @Test
  void the_component_reports_running_applies_a_configuration_change_and_stops_cleanly_on_sigterm(@TempDir Path tmp)
      throws Exception {
    LocalBroker broker = new LocalBroker();
    try (FakeNucleus nucleus = FakeNucleus.builder().recipe(Path.of("recipe.yaml"))
        .upstream(broker.connect("nucleus-upstream")).start()) {
      Path work = Files.createDirectories(tmp.resolve("work"));
      ProcessBuilder pb = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
          "-jar", System.getProperty("thingbridge.jar"), "run")
          .directory(work.toFile()).redirectErrorStream(true);
      pb.environment().put(GreengrassIpc.TOKEN_ENV, nucleus.token());
      pb.environment().put(GreengrassIpc.SOCKET_ENV, nucleus.socketPath());
      pb.environment().put("AWS_IOT_THING_NAME", "it-thing");
      // A file, not a pipe: the JDK closes a pipe under a concurrent reader when the child exits.
      Path log = tmp.resolve("child.log");
      pb.redirectOutput(log.toFile());
      Process process = pb.start();
      java.util.function.Supplier<List<String>> output = () -> {
        try {
          return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          return List.of();
        }
      };
      try {
        nucleus.awaitState("RUNNING", Duration.ofSeconds(60));

        nucleus.updateConfiguration(List.of("mqtt", "operationTimeoutSeconds"), 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> output.get().stream()
            .anyMatch(l -> l.contains("configuration applied: mqtt.operationTimeoutSeconds: 10 -> 3")));

        process.destroy(); // SIGTERM
        boolean exited = process.waitFor(5, TimeUnit.SECONDS);
        assertThat(exited).as("exited within 5 s of SIGTERM; output:%n%s", String.join("\n", output.get())).isTrue();
        assertThat(process.exitValue()).isIn(0, 143);
        assertThat(output.get()).as("child output").anyMatch(l -> l.contains("thingbridge stopped"));
        assertThat(output.get()).noneMatch(l -> l.contains(nucleus.token()));
      } finally {
        process.destroyForcibly();
      }
    }
  }
}
