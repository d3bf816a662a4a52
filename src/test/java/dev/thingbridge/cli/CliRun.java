package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** What one in-process run of a command line returned and printed, for the CLI's tests. */
record CliRun(int exitCode, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code args} on {@code cl}, capturing what it prints. */
  static CliRun of(CommandLine cl, String... args) {
    return of(cl, new StringWriter(), new StringWriter(), args);
  }

  /** Runs {@code args} on {@code cl}, printing into writers the caller can read while it runs. */
  static CliRun of(CommandLine cl, StringWriter out, StringWriter err, String... args) {
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new CliRun(cl.execute(args), out.toString(), err.toString());
  }

  /** The standard output as one JSON document. */
  JsonNode json() throws IOException {
    return JSON.readTree(out);
  }
}
