package dev.thingbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command prints JSON: a picocli mixin with {@code --pretty/--no-pretty}. A reply is indented when
 * standard output is a terminal and one object per line otherwise (so it pipes into {@code jq} and
 * {@code grep}); a stream of events is one object per line unless {@code --pretty} is given.
 */
public final class OutputOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--pretty", negatable = true,
      description = "Indent the JSON (the default for a reply on a terminal); --no-pretty: one object per line.")
  Boolean pretty;

  /** Prints one reply: indented on a terminal or with {@code --pretty}. */
  public void reply(JsonNode value) {
    print(value, pretty != null ? pretty : ThingBridgeCommand.of(mixee).stdoutIsTerminal());
  }

  /** Prints {@code value} (a record or map) as JSON through {@code mapper}, as {@link #reply(JsonNode)} does. */
  public void reply(Object value, ObjectMapper mapper) {
    reply(mapper.valueToTree(value));
  }

  /** Prints one event of a stream: one line unless {@code --pretty}. */
  public void event(JsonNode value) {
    print(value, Boolean.TRUE.equals(pretty));
  }

  private void print(JsonNode value, boolean indent) {
    String text;
    try {
      text = indent ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value)
          : Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree did not serialize: " + e.getOriginalMessage(), e);
    }
    PrintWriter out = mixee.commandLine().getOut();
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  /** The one mapper for printing trees. */
  static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
  }
}
