package dev.thingbridge.cli;

import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Checks {@code --client-id}: 1-128 bytes (AWS IoT's limit), no control characters, no wildcards. */
final class ClientIdConverter implements CommandLine.ITypeConverter<String> {
  static final int MAX_BYTES = 128;

  @Override
  public String convert(String value) {
    if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new CommandLine.TypeConversionException("a client id has 1-" + MAX_BYTES + " bytes, got "
          + value.getBytes(StandardCharsets.UTF_8).length);
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '+' || c == '#')) {
      throw new CommandLine.TypeConversionException("a client id must not hold control characters, '+' or '#': '"
          + value.replaceAll("\\p{Cntrl}", "?") + "'");
    }
    return value;
  }
}
