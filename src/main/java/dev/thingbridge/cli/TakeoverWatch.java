package dev.thingbridge.cli;

import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttEndpoint;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Notices that another client with the same client id keeps taking this connection: the broker's
 * DISCONNECT with reason "session taken over" (MQTT 5; AWS IoT Core sends it), or, from a broker that just
 * closes the socket (Mosquitto 2.0), {@value #QUICK_DROPS} connections lost each within {@link #QUICK} of
 * being made, inside {@link #WINDOW}: two clients with one id take turns, each connection lasting until the
 * other's reconnect delay runs out. A long-running command then stops with one clear line instead of
 * reconnecting in a loop while the other client is kicked off in turn.
 */
final class TakeoverWatch implements ConnectionListener {
  static final int QUICK_DROPS = 3;
  static final Duration QUICK = Duration.ofSeconds(30);
  static final Duration WINDOW = Duration.ofSeconds(120);
  /** How the MQTT backends name the reason code 0x8E in their disconnect reasons. */
  static final String SESSION_TAKEN_OVER = "SESSION_TAKEN_OVER";

  private final String clientId;
  private final MqttEndpoint endpoint;
  private final Consumer<Exception> onTakeover;
  private final LongSupplier nanoClock;
  private final Deque<Long> quickDrops = new ArrayDeque<>();
  private long connectedAt;

  TakeoverWatch(String clientId, MqttEndpoint endpoint, Consumer<Exception> onTakeover) {
    this(clientId, endpoint, onTakeover, System::nanoTime);
  }

  TakeoverWatch(String clientId, MqttEndpoint endpoint, Consumer<Exception> onTakeover, LongSupplier nanoClock) {
    this.clientId = clientId;
    this.endpoint = endpoint;
    this.onTakeover = onTakeover;
    this.nanoClock = nanoClock;
    this.connectedAt = nanoClock.getAsLong();
  }

  @Override
  public synchronized void onConnected(boolean sessionPresent) {
    connectedAt = nanoClock.getAsLong();
  }

  @Override
  public synchronized void onDisconnected(String reason) {
    if (reason != null && reason.contains(SESSION_TAKEN_OVER)) {
      onTakeover.accept(new ConnectionTakenOverException("another client connected to " + where()
          + " with the same client id '" + clientId + "' and the broker closed this connection (session taken "
          + "over); give each process its own --client-id"));
      return;
    }
    long now = nanoClock.getAsLong();
    if (now - connectedAt > QUICK.toNanos()) {
      return;
    }
    quickDrops.addLast(now);
    while (!quickDrops.isEmpty() && now - quickDrops.peekFirst() > WINDOW.toNanos()) {
      quickDrops.removeFirst();
    }
    if (quickDrops.size() >= QUICK_DROPS) {
      long seconds = Duration.ofNanos(now - quickDrops.peekFirst()).toSeconds();
      onTakeover.accept(new ConnectionTakenOverException("the broker at " + where() + " closed this connection "
          + QUICK_DROPS + " times in " + seconds + " s, each soon after it was made (last: " + reason + "): another "
          + "client is probably using the client id '" + clientId + "'; give each process its own --client-id"));
    }
  }

  private String where() {
    return endpoint == null ? "the broker" : endpoint.toString();
  }
}
