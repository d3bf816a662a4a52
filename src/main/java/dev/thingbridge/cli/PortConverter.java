package dev.thingbridge.cli;

import picocli.CommandLine;

/** Reads a TCP port for a server the command starts: 0..65535 (0 picks a free one), or -1 for none. */
final class PortConverter implements CommandLine.ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    int port;
    try {
      port = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a port number");
    }
    if (port < -1 || port > 65_535) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a port: 0..65535 (0 picks a free one), or -1 for none");
    }
    return port;
  }
}
