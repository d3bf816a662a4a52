package dev.thingbridge.mqtt.crt;

import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.crt.internal.CrtErrors;
import dev.thingbridge.mqtt.crt.internal.CrtPackets;
import dev.thingbridge.mqtt.internal.SubscriptionIds;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.internal.SerialExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.OnAttemptingConnectReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionFailureReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionSuccessReturn;
import software.amazon.awssdk.crt.mqtt5.OnDisconnectionReturn;
import software.amazon.awssdk.crt.mqtt5.OnStoppedReturn;
import software.amazon.awssdk.crt.mqtt5.PublishResult;
import software.amazon.awssdk.crt.mqtt5.PublishReturn;
import software.amazon.awssdk.crt.mqtt5.packets.DisconnectPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PubAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.UnsubAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.UnsubscribePacket;

/**
 * A direct MQTT 5 connection to AWS IoT Core or any MQTT 5 broker, over the AWS Common Runtime's native
 * client (aws-crt {@code Mqtt5Client}). Use it where no Greengrass nucleus runs.
 *
 * <p>Contract, beyond {@link dev.thingbridge.mqtt.MqttClient}'s:
 *
 * <ul>
 *   <li>The client reconnects by itself with jittered exponential backoff ({@link
 *       CrtMqttOptions#reconnectDelay}) until {@link #close()}. {@link #start} returns at once; {@link
 *       #connect} waits for the first attempt and fails fast.
 *   <li>While disconnected, QoS 1 publishes and subscribes wait for the next connection (un-acknowledged
 *       QoS 1 publishes are sent again first); QoS 0 publishes fail with {@link
 *       dev.thingbridge.mqtt.MqttNotConnectedException}.
 *   <li>A PUBACK, SUBACK or UNSUBACK with a failure reason code fails the operation with {@link
 *       MqttRefusedException} carrying the code and the broker's reason string. No acknowledgement within
 *       {@link CrtMqttOptions#ackTimeout()} fails it with {@link MqttTimeoutException}.
 *   <li>MQTT 5 properties (content type, message expiry, response topic, correlation data, payload format,
 *       user properties) travel both ways.
 *   <li>SDK metrics are added to the CONNECT user name only for AWS IoT endpoints.
 * </ul>
 *
 * <p>Threads: the CRT calls back on its native event-loop threads; those callbacks only enqueue. Connection
 * events are handled one at a time on the client's delivery pool ({@code thingbridge-mqtt-<id>-N}), where
 * listeners and futures also complete. {@code nativeLock} keeps calls into the native client from racing
 * {@link #close()}.
 */
public final class CrtMqttClient extends AbstractMqttClient {
  private static final Logger log = LoggerFactory.getLogger(CrtMqttClient.class);
  private static final int PULL_QUEUE_CAPACITY = 100_000;
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);

  private final CrtMqttOptions options;
  private final CrtResources resources;
  private final Mqtt5Client client;
  private final SerialExecutor events;
  private final SubscriptionIds subscriptionIds;
  private final ReadWriteLock nativeLock = new ReentrantReadWriteLock();
  private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile MqttException lastFailure;
  private volatile boolean failFast;
  private boolean released;

  private CrtMqttClient(CrtMqttOptions options) {
    super(options.clientId(), options.limits(), PULL_QUEUE_CAPACITY, options.ackTimeout());
    this.options = options;
    this.events = new SerialExecutor(callbackExecutor());
    this.subscriptionIds = new SubscriptionIds(!options.endpoint().isAwsIot());
    this.resources = CrtResources.open(options);
    Mqtt5Client created;
    try {
      created = new Mqtt5Client(resources.clientOptions(new Lifecycle(), this::onMessage));
    } catch (RuntimeException e) {
      resources.close();
      throw new IllegalArgumentException("the CRT refused the MQTT options " + options + ": " + e.getMessage(), e);
    }
    this.client = created;
  }

  /**
   * Creates a client and starts connecting in the background; it keeps reconnecting until closed. Wait with
   * {@link #awaitConnected(Duration)}, or just publish and subscribe: QoS 1 operations wait for the link.
   *
   * @throws IllegalArgumentException if the TLS files cannot be loaded or the options are unusable
   */
  public static CrtMqttClient start(CrtMqttOptions options) {
    return start(options, false);
  }

  /** {@code failFast}: the caller reports the first attempt's failure, so it is not logged as a warning too. */
  private static CrtMqttClient start(CrtMqttOptions options, boolean failFast) {
    CrtMqttClient c = new CrtMqttClient(options);
    c.failFast = failFast;
    try {
      c.client.start();
    } catch (RuntimeException e) {
      c.close();
      throw new MqttException("could not start the MQTT client for " + options.endpoint() + ": " + e, e);
    }
    return c;
  }

  /**
   * Creates a client and waits for its first connection attempt: for command-line tools and start-up checks
   * that should fail fast rather than retry. Once connected it reconnects like {@link #start}.
   *
   * @throws MqttRefusedException if the broker answered the CONNECT with a failure reason code
   * @throws dev.thingbridge.mqtt.MqttNotConnectedException if the attempt failed before a CONNACK (DNS,
   *     TCP, TLS handshake, certificate refused); the message names the cause, for TLS as found by a probe
   *     with the JDK's TLS (an untrusted broker certificate, a host name mismatch, a refused client
   *     certificate), within about 3 s even where the CRT alone would wait for its negotiation timeout
   * @throws MqttTimeoutException if the attempt took longer than {@code timeout}
   * @throws IllegalArgumentException if the TLS files cannot be loaded
   */
  public static CrtMqttClient connect(CrtMqttOptions options, Duration timeout) throws InterruptedException {
    CrtMqttClient c = start(options, true);
    try {
      FirstConnection.await(c.firstAttempt, options, timeout);
      return c;
    } catch (InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The options this client was made with. */
  public CrtMqttOptions options() {
    return options;
  }

  /** The endpoint this client connects to. */
  public MqttEndpoint endpoint() {
    return options.endpoint();
  }

  /** Why the latest connection attempt failed, or null if none failed since the last success. */
  public MqttException lastConnectionFailure() {
    return lastFailure;
  }

  // ---- transport ----

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    String what = "publish to " + message.topic();
    return call(what, () -> client.publish(CrtPackets.toPublish(message)))
        .thenApply(result -> checkPubAck(what, message.qos(), result));
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    String what = "subscribe to " + filter.filter();
    Long id = subscriptionIds.forSubscribe(filter.filter(), filter.qos());
    return call(what, () -> client.subscribe(CrtPackets.toSubscribe(filter, id)))
        .thenApply(suback -> checkSubAck(what, suback));
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    String what = "unsubscribe from " + filter;
    subscriptionIds.remove(filter);
    return call(what, () -> client.unsubscribe(new UnsubscribePacket.UnsubscribePacketBuilder(filter).build()))
        .thenApply(unsuback -> checkUnsubAck(what, unsuback));
  }

  @Override
  protected void doClose() {
    nativeLock.writeLock().lock();
    try {
      if (released) {
        return;
      }
      released = true;
      try {
        client.stop(new DisconnectPacket.DisconnectPacketBuilder()
            .withReasonCode(DisconnectPacket.DisconnectReasonCode.NORMAL_DISCONNECTION).build());
        stopped.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException | RuntimeException e) {
        log.debug("mqtt client {}: stop did not finish cleanly: {}", clientId(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        client.close();
        resources.close();
      }
    } finally {
      nativeLock.writeLock().unlock();
    }
    firstAttempt.completeExceptionally(new MqttClosedException("client " + clientId() + " is closed"));
  }

  /** Runs one native operation unless the client was released, mapping its failure to a typed exception. */
  private <T> CompletableFuture<T> call(String what, Supplier<CompletableFuture<T>> operation) {
    CompletableFuture<T> pending;
    nativeLock.readLock().lock();
    try {
      if (released) {
        return CompletableFuture.failedFuture(new MqttClosedException(what + " failed: the client is closed"));
      }
      pending = operation.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(CrtErrors.operationFailure(what, e, options.ackTimeout()));
    } finally {
      nativeLock.readLock().unlock();
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    pending.whenComplete((value, error) -> {
      if (error == null) {
        out.complete(value);
      } else {
        out.completeExceptionally(CrtErrors.operationFailure(what, error, options.ackTimeout()));
      }
    });
    return out;
  }

  private static Void checkPubAck(String what, QoS qos, PublishResult result) {
    if (qos == QoS.AT_MOST_ONCE || result == null) {
      return null;
    }
    PubAckPacket ack = result.getResultPubAck();
    if (ack != null && ack.getReasonCode() != null && ack.getReasonCode().getValue() >= 0x80) {
      throw new MqttRefusedException(what, ack.getReasonCode().getValue(),
          reason(ack.getReasonString(), ack.getReasonCode().name()));
    }
    return null;
  }

  private static Void checkSubAck(String what, SubAckPacket suback) {
    List<SubAckPacket.SubAckReasonCode> codes = suback.getReasonCodes();
    if (codes != null) {
      for (SubAckPacket.SubAckReasonCode code : codes) {
        if (code.getValue() >= 0x80) {
          throw new MqttRefusedException(what, code.getValue(), reason(suback.getReasonString(), code.name()));
        }
      }
    }
    return null;
  }

  private static Void checkUnsubAck(String what, UnsubAckPacket unsuback) {
    if (unsuback.getReasonCodes() != null) {
      for (UnsubAckPacket.UnsubAckReasonCode code : unsuback.getReasonCodes()) {
        if (code.getValue() >= 0x80) {
          throw new MqttRefusedException(what, code.getValue(), reason(unsuback.getReasonString(), code.name()));
        }
      }
    }
    return null;
  }

  private static String reason(String reasonString, String codeName) {
    return reasonString != null && !reasonString.isEmpty()
        ? reasonString
        : codeName.toLowerCase().replace('_', ' ');
  }

  // ---- CRT callbacks: native event-loop threads, so they only convert and enqueue ----

  private void onMessage(Mqtt5Client source, PublishReturn received) {
    try {
      PublishPacket packet = received.getPublishPacket();
      if (subscriptionIds.shouldDeliver(packet.getTopic(), packet.getSubscriptionIdentifiers())) {
        deliver(CrtPackets.fromPublish(packet));
      }
    } catch (RuntimeException e) {
      // A throw into native code would be lost; a malformed packet must not stop the client.
      events.execute(() -> log.warn("mqtt client {}: dropped an inbound message: {}", clientId(), e.toString()));
    }
  }

  /** The CRT's lifecycle callbacks, forwarded to the delivery pool in order. */
  private final class Lifecycle implements Mqtt5ClientOptions.LifecycleEvents {
    @Override
    public void onAttemptingConnect(Mqtt5Client source, OnAttemptingConnectReturn ignored) {
      // Nothing to report: success or failure follows.
    }

    @Override
    public void onConnectionSuccess(Mqtt5Client source, OnConnectionSuccessReturn result) {
      boolean sessionPresent = result.getConnAckPacket() != null && result.getConnAckPacket().getSessionPresent();
      if (result.getNegotiatedSettings() != null) {
        subscriptionIds.enable(
            !endpoint().isAwsIot() && result.getNegotiatedSettings().getSubscriptionIdentifiersAvailable());
      }
      events.execute(() -> {
        lastFailure = null;
        log.info("mqtt client {} connected to {} (session present: {})", clientId(), endpoint(), sessionPresent);
        connected(sessionPresent); // first, so that whoever waits on the first attempt sees CONNECTED
        firstAttempt.complete(null);
      });
    }

    @Override
    public void onConnectionFailure(Mqtt5Client source, OnConnectionFailureReturn result) {
      MqttException failure = CrtErrors.connectFailure(endpoint(), result.getErrorCode(), result.getConnAckPacket());
      events.execute(() -> {
        lastFailure = failure;
        if (failFast && !firstAttempt.isDone()) {
          log.debug("mqtt client {}: {}", clientId(), failure.getMessage());
        } else {
          log.warn("mqtt client {}: {}", clientId(), failure.getMessage());
        }
        firstAttempt.completeExceptionally(failure);
      });
    }

    @Override
    public void onDisconnection(Mqtt5Client source, OnDisconnectionReturn result) {
      String reason = CrtErrors.disconnectReason(result.getErrorCode(), result.getDisconnectPacket());
      events.execute(() -> disconnected(reason));
    }

    @Override
    public void onStopped(Mqtt5Client source, OnStoppedReturn result) {
      stopped.complete(null);
    }
  }
}
