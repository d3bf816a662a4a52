package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.FlashProgress;
import dev.thingbridge.mcu.FlashStep;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code mcu flash}'s progress on standard error: a bar and step lines on a terminal, lines with -v elsewhere. */
class McuProgressTest {
  private static String show(boolean terminal, boolean verbose) {
    StringWriter out = new StringWriter();
    McuProgress progress = new McuProgress(new PrintWriter(out, true), terminal, verbose);
    progress.onProgress(new FlashProgress("mcu0", FlashStep.PROBING, 0, 0, null));
    progress.onProgress(new FlashProgress("mcu0", FlashStep.UPLOADING, 0, 4096, "uploading 4096 bytes"));
    for (long done = 1024; done <= 4096; done += 1024) {
      progress.onProgress(new FlashProgress("mcu0", FlashStep.UPLOADING, done, 4096, null));
    }
    progress.onProgress(new FlashProgress("mcu0", FlashStep.HEALTH_CHECK, 0, 0, null));
    progress.onProgress(new FlashProgress("mcu0", FlashStep.DONE, 0, 0, null));
    return out.toString();
  }

  @Test
  void a_terminal_gets_a_bar_that_ends_full_between_the_step_lines() {
    String shown = show(true, false);
    assertThat(shown).contains("probing\n").contains("uploading: uploading 4096 bytes\n")
        .contains("\r[" + "#".repeat(30) + "] 100% 4096/4096 bytes").contains("health check\n");
    assertThat(shown.indexOf("100%")).isLessThan(shown.indexOf("health check"));
    assertThat(shown).doesNotContain("done");
  }

  @Test
  void elsewhere_only_verbose_gets_the_step_lines_and_never_a_bar() {
    assertThat(show(false, false)).isEmpty();
    String verbose = show(false, true);
    assertThat(verbose).contains("probing\n").contains("health check\n").doesNotContain("\r").doesNotContain("%");
  }
}
