package dev.thingbridge.testing.nucleus;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nucleus' single cloud connection: publishes go to the upstream client, through an in-memory spool
 * while it is offline (QoS 1 only, 2.5 MiB, like the nucleus' default spooler; QoS 0 is refused offline).
 * "Success" for the component means "spooled", as with the real nucleus.
 */
final class IotCoreRouter {
  private static final Logger log = LoggerFactory.getLogger(IotCoreRouter.class);
  static final long SPOOL_BYTES = 2_621_440;

  private final MqttClient upstream;
  private final ArrayDeque<MqttMessage> spool = new ArrayDeque<>();
  private long spooledBytes;

  IotCoreRouter(MqttClient upstream) {
    this.upstream = upstream;
    upstream.addConnectionListener(new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        flush();
      }
    });
  }

  MqttClient upstream() {
    return upstream;
  }

  /** Completes when the message is spooled or handed upstream; fails "offline" for QoS 0 without a connection. */
  CompletableFuture<Void> publish(MqttMessage message) {
    synchronized (spool) {
      if (upstream.state() != ConnectionState.CONNECTED || !spool.isEmpty()) {
        if (message.qos() == QoS.AT_MOST_ONCE) {
          return CompletableFuture.failedFuture(
              new MqttNotConnectedException("Device is offline. Dropping QoS 0 message."));
        }
        if (spooledBytes + message.payload().length > SPOOL_BYTES) {
          return CompletableFuture.failedFuture(new MqttNotConnectedException("spool is full"));
        }
        spool.add(message);
        spooledBytes += message.payload().length;
        return CompletableFuture.completedFuture(null);
      }
      return upstream.publish(message);
    }
  }

  private void flush() {
    synchronized (spool) {
      while (!spool.isEmpty() && upstream.state() == ConnectionState.CONNECTED) {
        MqttMessage m = spool.poll();
        spooledBytes -= m.payload().length;
        upstream.publish(m).whenComplete((v, e) -> {
          if (e != null) {
            log.warn("fake nucleus: spooled publish to {} failed: {}", m.topic(), e.toString());
          }
        });
      }
    }
  }
}
