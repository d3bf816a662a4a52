package dev.thingbridge.mcu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether a freshly booted, unconfirmed image is healthy enough to confirm. The flow never confirms an
 * image before its health check passed; an unhealthy image is reverted by a reset.
 */
@FunctionalInterface
public interface HealthCheck {
  /**
   * Checks the device.
   *
   * @return the verdict; throwing counts as unhealthy with the exception's message
   */
  Verdict check(HealthContext context) throws Exception;

  /**
   * A verdict.
   *
   * @param healthy whether to confirm
   * @param reason why not, or what was checked
   */
  record Verdict(boolean healthy, String reason) {
    public static Verdict healthy(String what) {
      return new Verdict(true, what);
    }

    public static Verdict unhealthy(String why) {
      return new Verdict(false, why);
    }
  }

  /** The default: the application answers an SMP echo with the same random text. */
  static HealthCheck echo() {
    return echo(Duration.ZERO, Duration.ofMillis(500));
  }

  /**
   * Echo round trips every {@code interval} for {@code observeFor}: all must come back right (catches an image that
   * crashes a little after booting).
   */
  static HealthCheck echo(Duration observeFor, Duration interval) {
    return ctx -> {
      long end = System.nanoTime() + observeFor.toNanos();
      int rounds = 0;
      do {
        String token = "thingbridge-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String answer = ctx.echo(token);
        if (!token.equals(answer)) {
          return Verdict.unhealthy("echo came back as '" + answer + "'");
        }
        rounds++;
        if (System.nanoTime() - end < 0) {
          Thread.sleep(interval.toMillis());
        }
      } while (System.nanoTime() - end < 0);
      return Verdict.healthy(rounds + " echo round trip" + (rounds == 1 ? "" : "s"));
    };
  }

  /**
   * Runs an executable with the port released; exit code 0 means healthy. It sees {@code THINGBRIDGE_MCU_DEVICE},
   * {@code THINGBRIDGE_MCU_PORT}, {@code THINGBRIDGE_MCU_VERSION} and {@code THINGBRIDGE_MCU_HASH}; the end of its
   * output is the reason when it fails. It is killed when the health check's time is up.
   */
  static HealthCheck command(List<String> argv) {
    List<String> cmd = List.copyOf(Objects.requireNonNull(argv, "argv"));
    if (cmd.isEmpty()) {
      throw new IllegalArgumentException("a health-check command is required");
    }
    return ctx -> ctx.withPortReleased(() -> {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("THINGBRIDGE_MCU_DEVICE", ctx.deviceId());
      pb.environment().put("THINGBRIDGE_MCU_PORT", ctx.portName());
      pb.environment().put("THINGBRIDGE_MCU_VERSION", ctx.version().toString());
      pb.environment().put("THINGBRIDGE_MCU_HASH", ctx.imageHashHex());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return Verdict.unhealthy("cannot run " + cmd.get(0) + ": " + e.getMessage());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> copyTail(p.getInputStream(), out), "thingbridge-mcu-health-output");
      drain.setDaemon(true);
      drain.start();
      if (!p.waitFor(ctx.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        drain.join(1000);
        return Verdict.unhealthy(cmd.get(0) + " did not finish within " + ctx.timeout().toSeconds() + " s");
      }
      drain.join(1000);
      String tail;
      synchronized (out) {
        tail = out.toString(StandardCharsets.UTF_8).strip();
      }
      tail = tail.length() > 300 ? "..." + tail.substring(tail.length() - 300) : tail;
      return p.exitValue() == 0 ? Verdict.healthy(cmd.get(0) + " exited 0")
          : Verdict.unhealthy(cmd.get(0) + " exited " + p.exitValue() + (tail.isEmpty() ? "" : ": " + tail));
    });
  }

  private static void copyTail(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          if (out.size() > 64 * 1024) {
            byte[] keep = out.toByteArray();
            out.reset();
            out.write(keep, keep.length - 4096, 4096);
          }
          out.write(buf, 0, n);
        }
      }
    } catch (IOException ignored) {
      // The process ended or was killed: what was read is the tail.
    }
  }
}
