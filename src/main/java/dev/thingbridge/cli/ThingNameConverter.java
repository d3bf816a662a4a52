package dev.thingbridge.cli;

import java.util.regex.Pattern;
import picocli.CommandLine;

/** Checks a thing name as AWS IoT does (1-128 of a-z, A-Z, 0-9, ':', '_', '-') while the flags are read. */
final class ThingNameConverter implements CommandLine.ITypeConverter<String> {
  private static final Pattern THING_NAME = Pattern.compile("[a-zA-Z0-9:_-]{1,128}");

  @Override
  public String convert(String value) {
    if (!THING_NAME.matcher(value).matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not an AWS IoT thing name (1-128 of a-z, A-Z, 0-9, ':', '_', '-')");
    }
    return value;
  }
}
