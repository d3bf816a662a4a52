package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The demo's verdict ({@code local --demo} exits 0 only when it is true, 1 otherwise): a failed step is shown
 * FAILED with its cause, the steps after it still run, and the verdict is false. {@link LocalDemoIT} runs the
 * real scenario to its end.
 */
class LocalDemoStepsTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter out = new PrintWriter(text);

  @Test
  void a_failed_step_makes_the_demo_fail_after_every_step_ran() {
    boolean[] ranAfter = {false};
    boolean ok = LocalDemo.run(List.of(
        new LocalDemo.Step("job handled", () -> "job demo-1 SUCCEEDED"),
        new LocalDemo.Step("command answered",
            () -> CompletableFuture.<String>failedFuture(new IllegalStateException("no answer within 60 s")).get()),
        new LocalDemo.Step("Defender report", () -> {
          ranAfter[0] = true;
          return "report 1 accepted";
        })), out);

    assertThat(ok).isFalse();
    assertThat(ranAfter[0]).as("the steps after a failure still run").isTrue();
    String output = text.toString();
    assertThat(output.lines()).anyMatch(l -> l.matches("command answered\\s+FAILED\\s+\\d+\\.\\ds\\s+no answer within 60 s"))
        .anyMatch(l -> l.matches("job handled\\s+OK\\s+.*"))
        .contains("demo: 2/3 steps OK");
    assertThat(LocalCommand.demoExit(ok)).isEqualTo(ExitCodes.FAILURE).isEqualTo(1);
  }

  @Test
  void every_step_ok_is_a_passing_demo() {
    boolean ok = LocalDemo.run(List.of(new LocalDemo.Step("job handled", () -> "done")), out);
    assertThat(ok).isTrue();
    assertThat(LocalCommand.demoExit(ok)).isZero();
    assertThat(text.toString()).contains("demo: 1/1 steps OK");
  }
}
