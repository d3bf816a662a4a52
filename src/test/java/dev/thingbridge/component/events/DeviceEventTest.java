package dev.thingbridge.component.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "Each event logged as one line": whatever the details hold, an event is one line, and its values read back. */
class DeviceEventTest {
  @Test
  void an_event_is_one_line_whatever_its_values_hold() throws Exception {
    DeviceEvent e = DeviceEvent.of("jobs", "job.failed", "gw-1", "jobId", "j-1", "reason", "disk full\nline two\r\n",
        "stdout", "a=b", "empty", "", "detail", Map.of("note", "x\ny"), "attempt", 2, "ok", false);
    String line = e.toLine();

    assertThat(line).doesNotContain("\n").doesNotContain("\r")
        .startsWith("job.failed thing=gw-1 jobId=j-1 ")
        .contains(" attempt=2 ok=false");
    // Values with spaces, '=' or nothing are JSON strings, so a reader can split the line back into its fields.
    assertThat(line).contains(" reason=\"disk full\\nline two\\r\\n\"").contains(" stdout=\"a=b\"")
        .contains(" empty=\"\"");
    assertThat(value(line, "detail").path("note").asText()).isEqualTo("x\ny");
    assertThat(value(line, "reason").asText()).isEqualTo("disk full\nline two\r\n");
  }

  @Test
  void a_value_without_spaces_but_with_a_line_break_or_a_quote_is_quoted_too() {
    String line = DeviceEvent.of("ota", "ota.progress", null, "file", "a\nb", "name", "say\"hi\"", "tab", "a\tb")
        .toLine();
    assertThat(line).isEqualTo("ota.progress file=\"a\\nb\" name=\"say\\\"hi\\\"\" tab=\"a\\tb\"");
  }

  @Test
  void the_logging_fan_out_writes_each_event_once_and_a_failing_sink_does_not_stop_the_others() {
    DeviceEvents events = new DeviceEvents();
    List<String> lines = new ArrayList<>();
    events.add(ev -> {
      throw new IllegalStateException("broken sink");
    });
    events.add(ev -> lines.add(ev.toLine()));
    events.accept(DeviceEvent.of("mcu", "mcu.flashed", "mcu-1", "version", "1.2.3"));
    assertThat(lines).containsExactly("mcu.flashed thing=mcu-1 version=1.2.3");
  }

  /** The JSON value after {@code name=} (a string or an object). */
  private static JsonNode value(String line, String name) throws Exception {
    ObjectMapper json = new ObjectMapper();
    int at = line.indexOf(" " + name + "=") + name.length() + 2;
    try (JsonParser parser = json.getFactory().createParser(line.substring(at))) {
      parser.nextToken();
      return json.readTree(parser);
    }
  }
}
