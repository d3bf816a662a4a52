package dev.thingbridge.cli;

import java.net.URI;
import picocli.CommandLine.Command;

/** {@code thingbridge ota}: OTA updates, device side ({@code run}) and on the twin ({@code create}, {@code status}). */
@Command(name = "ota",
    description = "OTA updates: apply them on this device (run), create them on the twin (create), follow them (status).",
    subcommands = {OtaRunCommand.class, OtaCreateCommand.class, OtaStatusCommand.class})
public final class OtaCommand {
  /** The twin's API when neither {@code --api} nor {@code THINGBRIDGE_API} says: where {@code local} and {@code twin} serve it. */
  static final String DEFAULT_API = "http://127.0.0.1:8443";

  private OtaCommand() {}

  /** The API address a command was given, checked. */
  static URI api(String value) {
    try {
      URI u = URI.create(value);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new UsageException("--api must be an http(s) URL: " + value);
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--api must be an http(s) URL: " + value, e);
    }
  }
}
