package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What {@code local} prints after it started: how to drive the running device through the twin's API. */
final class LocalHints {
  private LocalHints() {}

  /** The "try it" lines: a desired state, a job, a command, an OTA update, each with curl or the CLI. */
  static void print(PrintWriter out, ComponentConfig config, TwinServer cloud, Path work) {
    String gateway = config.thingName();
    if (cloud.controlPlane().isEmpty()) {
      out.println("try it: the twin's HTTP API is off (--api-port -1); drive it from Java through the twin");
      return;
    }
    String api = cloud.controlPlane().get().endpoint().toString();
    String arn = cloud.twin().service(ThingsService.class).registry().thingArn(gateway);
    out.println("try it (the twin's AWS-compatible API is " + api + "; the AWS CLI works with --endpoint-url " + api
        + "):");
    out.println("  desired state: curl -s -X POST " + api + "/things/" + gateway
        + "/shadow -d '{\"state\":{\"desired\":{\"color\":\"green\"}}}'");
    out.println("  a job:         curl -s -X PUT " + api + "/jobs/hello-1 -d '{\"targets\":[\"" + arn
        + "\"],\"document\":\"{\\\"operation\\\":\\\"hello\\\"}\"}'"
        + (config.jobs().handlerDir().isEmpty() ? "  (runs when a handler claims 'hello': --handler-dir DIR with an "
            + "executable DIR/hello, or a sibling)" : "  (runs " + config.jobs().handlerDir() + "/hello)"));
    out.println("  its status:    curl -s " + api + "/things/" + gateway + "/jobs/hello-1");
    out.println("  an OTA update: thingbridge ota create --api " + api + " --thing " + gateway
        + " --file FILE --sign-key " + work.resolve(LocalCodeSigning.FILE_NAME));
    for (ComponentConfig.Mcu m : config.mcus()) {
      out.println("  flash MCU " + m.id() + ": thingbridge ota create --api " + api + " --thing " + m.thing()
          + " --file IMAGE.bin --sign-key " + work.resolve(LocalCodeSigning.FILE_NAME)
          + "  (an MCUboot image; progress as mcu.progress events)");
    }
  }

  /** Removes a directory tree, best effort (a temporary state directory at exit). */
  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // what is left is in the system's temporary directory
    }
  }
}
