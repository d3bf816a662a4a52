package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.testing.ChildProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar thingbridge.jar local --demo} as a user runs it: the whole scenario (a sibling's shadow update,
 * a delta acknowledged, a job, a command, an OTA of the gateway, a flash of a fake MCU on a PTY, a Defender report,
 * provisioning by claim) ends with a summary where every step is OK, and exit code 0.
 */
class LocalDemoIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final List<String> STEPS = List.of("sibling shadow update", "shadow delta acknowledged",
      "job handled", "command answered", "OTA of the gateway", "flash of fake MCU mcu-1", "Defender report",
      "provisioning by claim");

  @Test
  void the_demo_runs_every_step_to_its_end_and_exits_0() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--demo", "--api-port", "0",
        "--mqtt-port", "0"))) {
      int exit = jar.awaitExit(Duration.ofMinutes(4));
      String output = jar.output();
      assertThat(exit).as(output).isZero();
      List<String> table = output.lines().filter(l -> STEPS.stream().anyMatch(l::startsWith)).toList();
      for (String step : STEPS) {
        assertThat(table).as(output).anyMatch(l -> l.matches("\\Q" + step + "\\E\\s+OK\\s+\\d+\\.\\ds\\s+.*"));
      }
      assertThat(output).contains("demo: 8/8 steps OK")
          .contains("event mcu.progress thing=thingbridge-local-mcu-1 mcu=mcu-1")
          .contains("event job.finished thing=thingbridge-local jobId=demo-job-1 status=SUCCEEDED");
    }
  }
}
