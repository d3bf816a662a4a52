package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a client's first connection attempt for {@link CrtMqttClient#connect}, and gives a TLS failure
 * its reason: when a TLS attempt fails with a TLS error, or has not succeeded after {@link #PROBE_AFTER}
 * (the CRT says nothing about an untrusted certificate until its negotiation times out), a {@link
 * TlsDiagnosis} probe runs beside it; a definite verdict ends the wait at once.
 */
final class FirstConnection {
  /** A TLS connection on a LAN or loopback is up well within this; a slower one gets probed meanwhile. */
  static final Duration PROBE_AFTER = Duration.ofMillis(250);
  /** The most a probe may take. */
  static final Duration PROBE_BUDGET = Duration.ofMillis(2000);

  private FirstConnection() {}

  /**
   * Returns when {@code firstAttempt} succeeded.
   *
   * @throws MqttException the attempt's failure, with the TLS probe's reason when it found one
   * @throws MqttTimeoutException if nothing happened within {@code timeout}
   */
  static void await(CompletableFuture<Void> firstAttempt, CrtMqttOptions options, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean tls = options.endpoint().tls();
    CompletableFuture<Optional<String>> probe = null;
    try {
      if (tls) {
        try {
          firstAttempt.get(Math.min(PROBE_AFTER.toNanos(), timeout.toNanos()), TimeUnit.NANOSECONDS);
          return;
        } catch (TimeoutException slow) {
          probe = startProbe(options);
          CompletableFuture.anyOf(firstAttempt, probe).get(left(deadline), TimeUnit.NANOSECONDS);
          if (!firstAttempt.isDone() && probe.isDone() && probe.join().isPresent()) {
            throw failure(options, probe.join().get());
          }
        }
      }
      firstAttempt.get(left(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof MqttException failure)) {
        throw new MqttException("connect to " + options.endpoint() + " failed: " + e.getCause(), e.getCause());
      }
      if (tls && failure instanceof MqttNotConnectedException && isTlsLike(failure.getMessage())) {
        Optional<String> reason = (probe != null ? probe : startProbe(options))
            .completeOnTimeout(Optional.empty(), left(deadline), TimeUnit.NANOSECONDS).join();
        if (reason.isPresent()) {
          throw failure(options, reason.get());
        }
      }
      throw failure;
    } catch (TimeoutException e) {
      throw new MqttTimeoutException("connect to " + options.endpoint(), timeout);
    }
  }

  /** A failure the probe may explain: a TLS error, or the broker closing the socket during the handshake. */
  private static boolean isTlsLike(String message) {
    return message.contains("_TLS_") || message.contains("AWS_IO_SOCKET_CLOSED");
  }

  private static MqttNotConnectedException failure(CrtMqttOptions options, String reason) {
    return new MqttNotConnectedException("could not connect to " + options.endpoint() + ": " + reason);
  }

  private static CompletableFuture<Optional<String>> startProbe(CrtMqttOptions options) {
    CompletableFuture<Optional<String>> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(TlsDiagnosis.diagnose(options, PROBE_BUDGET));
      } catch (RuntimeException e) {
        result.complete(Optional.empty());
      }
    }, "thingbridge-tls-probe");
    t.setDaemon(true);
    t.start();
    return result;
  }

  private static long left(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }
}
