package dev.thingbridge.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads JSON and files given on the command line the same way everywhere: a JSON option takes the text, or
 * {@code @FILE}, or {@code @-} for standard input; a file option takes a path or {@code -}. Errors are one
 * line naming the flag, never a parser's internals.
 */
final class JsonInput {
  private JsonInput() {}

  /** The JSON object a flag's value holds ({@code {..}}, {@code @file.json} or {@code @-}). */
  static ObjectNode object(String flag, String value, InputStream stdin) {
    String text = value.startsWith("@") ? new String(bytes(flag, value.substring(1), stdin), StandardCharsets.UTF_8)
        : value;
    JsonNode node;
    try {
      node = OutputOptions.Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UsageException(flag + " is not valid JSON: " + describe(e));
    }
    if (node == null || !node.isObject()) {
      throw new UsageException(flag + " must be a JSON object ({...})");
    }
    return (ObjectNode) node;
  }

  /** The bytes of a file flag's value: a path, or {@code -} for standard input. */
  static byte[] bytes(String flag, String path, InputStream stdin) {
    try {
      return path.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read " + flag + " " + path + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
    }
  }

  /** A parser error in one line: what is wrong and where, without the parser's source and feature notes. */
  static String describe(JsonProcessingException e) {
    String what = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
    what = what.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
        .replaceAll("\\s*\\[Source:[^\\]]*\\]", "")
        .replaceAll("\\s*\\(for [^)]*\\)", "")
        .lines().findFirst().orElse("").strip();
    if (what.endsWith(":")) {
      what = what.substring(0, what.length() - 1);
    }
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0 ? what : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
