package com.example.fan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.sibling.CommandResult;
import dev.thingbridge.sibling.JobResult;
import dev.thingbridge.sibling.ShadowDelta;
import dev.thingbridge.sibling.ThingBridgeClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sibling Greengrass component that drives a fan through thingbridge's local API: it owns the named shadow
 * {@code fan} of the core's thing (it watches its deltas and reports the speed it set), runs the jobs whose
 * document says {@code "operation":"fan-calibrate"}, answers the command {@code fan-stop}, and logs the OTA and
 * MCU events of the gateway. Greengrass starts it with the nucleus socket and its token in the environment; it
 * stops on SIGTERM.
 */
public final class FanComponent {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "com.example.Fan";

  private FanComponent() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "fan-stop"));
    try (ThingBridgeClient tb = ThingBridgeClient.builder(NAME).build()) {
      // null thing = the core's own thing; the component resolves it.
      tb.shadows().watch(null, "fan", delta -> applySpeed(tb, delta)).get(30, TimeUnit.SECONDS);
      tb.jobs().claim(null, "fan-calibrate", job -> {
        job.progress(Map.of("step", "spinning up"));
        Thread.sleep(1000);
        return JobResult.succeeded(Map.of("rpmAtFull", "2400"));
      }).get(30, TimeUnit.SECONDS);
      tb.commands().claim(null, "fan-stop", command -> {
        report(tb, 0);
        return CommandResult.succeeded(Map.of("speed", 0));
      }).get(30, TimeUnit.SECONDS);
      tb.events().subscribe(List.of("ota", "mcu"), event -> System.out.println("fan: thingbridge event " + event))
          .get(30, TimeUnit.SECONDS);
      System.out.println("fan: running; status " + tb.events().status().get(30, TimeUnit.SECONDS));
      stop.await();
    }
  }

  /** The cloud asked for a speed: set it (here: print it) and report it, which clears the delta. */
  private static void applySpeed(ThingBridgeClient tb, ShadowDelta delta) {
    int speed = delta.state().path("speed").asInt(-1);
    if (speed < 0 || speed > 5) {
      System.out.println("fan: ignoring speed " + delta.state().path("speed"));
      return;
    }
    System.out.println("fan: speed " + speed + " (shadow version " + delta.version() + ")");
    report(tb, speed);
  }

  private static void report(ThingBridgeClient tb, int speed) {
    ObjectNode reported = JSON.createObjectNode().put("speed", speed);
    tb.shadows().update(null, "fan", null, reported)
        .exceptionally(e -> {
          System.out.println("fan: report failed: " + e.getMessage());
          return null;
        });
  }
}
