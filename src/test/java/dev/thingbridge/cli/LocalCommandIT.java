package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.testing.ChildProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code java -jar thingbridge.jar local} as a user runs it, stopped the ways a user or init stops it. */
class LocalCommandIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(5);

  @Test
  void ctrl_c_stops_it_cleanly_within_5_seconds() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0"))) {
      jar.awaitLine(l -> l.startsWith("ready: 1 thing running"), START);
      long signalled = System.nanoTime();
      ChildProcess.signal(jar.pid(), "INT");
      int exit = jar.awaitExit(STOP);
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(STOP);
      assertThat(exit).as("128 + SIGINT").isEqualTo(130);
      assertThat(jar.output()).contains("stopped after").doesNotContain("Exception");
    }
  }

  @Test
  void sigterm_stops_it_cleanly_within_5_seconds() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--thing", "gw-1,mcu-1"))) {
      jar.awaitLine(l -> l.startsWith("ready: 2 things running"), START);
      ChildProcess.signal(jar.pid(), "TERM");
      assertThat(jar.awaitExit(STOP)).as("128 + SIGTERM").isEqualTo(143);
      assertThat(jar.output()).contains("thing gw-1:", "thing mcu-1:", "stopped after").doesNotContain("Exception");
    }
  }

  @Test
  void a_bounded_run_ends_by_itself_with_exit_code_0() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0", "--duration", "500ms"))) {
      assertThat(jar.awaitExit(START)).isZero();
      assertThat(jar.output()).contains("ready: 1 thing running on one connection; stopping by itself after PT0.5S", "stopped after");
    }
  }
}
