package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.transfer.OtaResult;
import dev.thingbridge.transfer.TransferProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The progress of {@code ota run}: the bar drawn on a terminal of a given width (the seam the command fills from
 * {@link ThingBridgeCommand#terminalColumns()}), and nothing but the JSON lines when there is no terminal.
 */
class OtaProgressPrinterTest {
  private static final long MIB = 1024 * 1024;

  private static TransferProgress at(long bytes, double rate) {
    return new TransferProgress("AFR_OTA-rel-2", null, bytes, 2 * MIB, bytes / 4096, 512, rate, 0);
  }

  /** The frames drawn, in order: what each carriage return starts. */
  private static List<String> frames(String drawn) {
    List<String> out = new ArrayList<>(Arrays.asList(drawn.split("\r", -1)));
    out.remove(0); // before the first carriage return: nothing
    return out;
  }

  @Test
  void on_a_terminal_the_bar_is_redrawn_in_place_and_fits_its_width() {
    StringWriter err = new StringWriter();
    List<JsonNode> events = new ArrayList<>();
    OtaProgressPrinter printer = new OtaProgressPrinter(events::add,
        new OtaProgressPrinter.Terminal(new PrintWriter(err), 100), () -> { });

    printer.onProgress(at(0, 0));
    printer.onProgress(at(MIB, 512 * 1024));
    printer.onProgress(at(2 * MIB, 512 * 1024));
    List<String> frames = frames(err.toString());
    assertThat(frames).hasSize(3).allSatisfy(f -> assertThat(f.length()).isLessThan(100)).noneMatch(f -> f.contains("\n"));
    assertThat(frames.get(0)).isEqualTo("AFR_OTA-rel-2 [........................]   0% 0 B/2.0 MiB 0 B/s --:-- left");
    assertThat(frames.get(1))
        .isEqualTo("AFR_OTA-rel-2 [############............]  50% 1.0 MiB/2.0 MiB 512.0 KiB/s 0:02 left");
    assertThat(frames.get(2)).startsWith("AFR_OTA-rel-2 [########################] 100% 2.0 MiB/2.0 MiB")
        .contains("0:00 left");
    assertThat(events).isEmpty();

    printer.onJobFinished("AFR_OTA-rel-2", new OtaResult(JobExecutionStatus.SUCCEEDED, Map.of(), null));
    String last = frames(err.toString()).get(3);
    assertThat(last).as("the bar is wiped before the update's line").isBlank().hasSize(frames.get(2).length());
    assertThat(err.toString()).endsWith("\r");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.path("event").asText()).isEqualTo("succeeded");
      assertThat(e.path("jobId").asText()).isEqualTo("AFR_OTA-rel-2");
    });
  }

  @Test
  void a_shorter_frame_covers_what_is_left_of_a_longer_one() {
    StringWriter err = new StringWriter();
    OtaProgressPrinter printer = new OtaProgressPrinter(e -> { },
        new OtaProgressPrinter.Terminal(new PrintWriter(err), 100), () -> { });
    printer.onProgress(at(MIB, 512 * 1024)); // "... 512.0 KiB/s 0:02 left"
    printer.onProgress(at(MIB + 1, 0)); // "... 0 B/s --:-- left": shorter
    List<String> frames = frames(err.toString());
    assertThat(frames.get(1)).hasSize(frames.get(0).length()).endsWith("left" + " ".repeat(
        frames.get(0).length() - frames.get(1).stripTrailing().length()));
  }

  @Test
  void a_narrow_terminal_shrinks_the_bar_then_drops_the_name_then_the_bar() {
    TransferProgress p = at(MIB, 512 * 1024);
    assertThat(OtaProgressPrinter.frame(p, 100)).contains("[" + "#".repeat(12) + ".".repeat(12) + "]");
    assertThat(OtaProgressPrinter.frame(p, 80)).hasSizeLessThan(80).contains("[" + "#".repeat(10) + ".".repeat(10) + "]");

    String shrunk = OtaProgressPrinter.frame(p, 70);
    assertThat(shrunk).hasSizeLessThan(70).startsWith("AFR_OTA-rel-2 [").contains("50% 1.0 MiB/2.0 MiB");
    int barWidth = shrunk.indexOf(']') - shrunk.indexOf('[') - 1;
    assertThat(barWidth).isBetween(10, 23);

    String noName = OtaProgressPrinter.frame(p, 56);
    assertThat(noName).hasSizeLessThan(56).startsWith("[").doesNotContain("AFR_OTA").endsWith("0:02 left");

    String statsOnly = OtaProgressPrinter.frame(p, 45);
    assertThat(statsOnly).isEqualTo(" 50% 1.0 MiB/2.0 MiB 512.0 KiB/s 0:02 left");
    assertThat(OtaProgressPrinter.frame(p, 20)).hasSize(19).startsWith(" 50% 1.0 MiB");
  }

  @Test
  void without_a_terminal_only_one_json_line_per_update_is_printed() {
    List<JsonNode> events = new ArrayList<>();
    OtaProgressPrinter printer = new OtaProgressPrinter(events::add, null, () -> { });
    printer.onProgress(at(MIB, 512 * 1024));
    printer.onJobFinished("AFR_OTA-rel-2", new OtaResult(JobExecutionStatus.SUCCEEDED, Map.of(), null));
    printer.onJobFinished("AFR_OTA-rel-3", new OtaResult(JobExecutionStatus.CANCELED, Map.of(), null));
    assertThat(events).extracting(e -> e.path("event").asText()).containsExactly("succeeded", "canceled");
  }

  @Test
  void the_terminal_width_comes_from_columns_when_it_is_a_sane_number() {
    assertThat(ThingBridgeCommand.columns("132")).isEqualTo(132);
    assertThat(ThingBridgeCommand.columns(null)).isEqualTo(80);
    assertThat(ThingBridgeCommand.columns("wide")).isEqualTo(80);
    assertThat(ThingBridgeCommand.columns("5")).isEqualTo(80);
    // a test's command line does not own the process, so it never draws a bar
    assertThat(ThingBridgeCommand.of(ThingBridgeCommand.newCommandLine(Map.of("COLUMNS", "120"))
        .getCommandSpec()).terminalColumns()).isEmpty();
  }
}
