package dev.thingbridge.cli;

import dev.thingbridge.mqtt.AwsNames;
import picocli.CommandLine;

/** Checks a thing name as AWS IoT does ({@link AwsNames#isThingName}) while the flags are read. */
final class ThingNameConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    if (!AwsNames.isThingName(value)) {
      throw new CommandLine.TypeConversionException(notAThingName(value));
    }
    return value;
  }

  /** The one-line reason a value is refused as a thing name. */
  static String notAThingName(String value) {
    return "'" + value + "' is not an AWS IoT thing name (1-128 of a-z, A-Z, 0-9, ':', '_', '-')";
  }
}
