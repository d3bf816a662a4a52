package dev.thingbridge.greengrass;

import dev.thingbridge.greengrass.internal.IoTCoreStreamPool;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.aws.greengrass.model.PayloadFormat;
import software.amazon.awssdk.aws.greengrass.model.PublishToIoTCoreRequest;
import software.amazon.awssdk.aws.greengrass.model.UserProperty;

/**
 * The Greengrass backend of {@link dev.thingbridge.mqtt.MqttClient}: MQTT to AWS IoT Core through the
 * nucleus' connection, over IPC {@code PublishToIoTCore} and {@code SubscribeToIoTCore} (MQTT 5 properties
 * included). The component needs the {@code aws.greengrass.ipc.mqttproxy} authorization for every topic.
 *
 * <p>Behaviour on top of the common contract:
 *
 * <ul>
 *   <li>A publish completes when the nucleus has queued it in its spooler, not on the cloud's PUBACK.
 *   <li>One IoT Core stream per topic filter, shared by every local subscriber; a subscribe completes only once
 *       the nucleus answered (it drops messages that arrive earlier). Released streams linger (default 5 s)
 *       and are reused; a filter re-opened right after its stream was terminated waits out a settle time
 *       (default 500 ms). See {@code greengrass.internal.IoTCoreStreamPool}.
 *   <li>Inbound messages carry the QoS of their stream's subscription: IPC does not report the delivery QoS.
 *       No Local is not available through IPC and is ignored.
 *   <li>When the IPC connection drops, the client goes CONNECTING; once {@link GreengrassIpc} has rebuilt it
 *       every subscription is renewed and signals session loss, because the nucleus keeps no streams across
 *       connections. QoS 1 publishes made meanwhile are held for the IPC operation timeout and sent once the
 *       connection is rebuilt.
 *   <li>Errors: {@code UnauthorizedError} is {@link dev.thingbridge.mqtt.MqttRefusedException} with reason
 *       code 0x87; "device is offline" and a closed connection are {@link
 *       dev.thingbridge.mqtt.MqttNotConnectedException}; other nucleus errors are refusals with their reason.
 * </ul>
 */
public final class IpcMqttClient extends AbstractMqttClient {
  /** Thing name variable the nucleus sets; the default client id. */
  public static final String THING_NAME_ENV = "AWS_IOT_THING_NAME";

  private static final int PULL_QUEUE_CAPACITY = 100_000;

  private final GreengrassIpc ipc;
  private final boolean ownsIpc;
  private final IoTCoreStreamPool pool;
  private final Duration operationTimeout;

  private IpcMqttClient(Builder b, String clientId) {
    super(clientId, b.limits, PULL_QUEUE_CAPACITY, b.ipc.operationTimeout());
    this.ipc = b.ipc;
    this.ownsIpc = b.ownsIpc;
    this.operationTimeout = b.ipc.operationTimeout();
    this.pool = new IoTCoreStreamPool(ipc.connection(), b.linger, b.settle, timer(), this::deliver);
    ipc.follow(() -> connected(false), reason -> {
      pool.connectionLost();
      disconnected(reason);
    });
  }

  /** A builder over a connected {@link GreengrassIpc}. */
  public static Builder builder(GreengrassIpc ipc) {
    return new Builder(ipc);
  }

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    PublishToIoTCoreRequest request = toRequest(message);
    String operation = "publish to " + message.topic();
    return ipc.call("PublishToIoTCore " + message.topic(), c -> c.publishToIoTCoreAsync(request))
        .<Void>thenApply(r -> null)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(IpcErrors.toMqtt(e, operation, operationTimeout)));
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    return pool.acquire(filter);
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    return pool.release(filter);
  }

  @Override
  protected void doClose() {
    pool.close();
    if (ownsIpc) {
      ipc.close();
    }
  }

  /** Filters with an open IoT Core stream (claimed or lingering): for diagnostics and tests. */
  public Set<String> pooledFilters() {
    return pool.pooledFilters();
  }

  /** Filters whose stream this client terminated recently: for diagnostics and tests. */
  Set<String> recentlyTerminated() {
    return pool.recentlyTerminated();
  }

  static PublishToIoTCoreRequest toRequest(MqttMessage message) {
    PublishToIoTCoreRequest r = new PublishToIoTCoreRequest();
    r.setTopicName(message.topic());
    r.setPayload(message.payload());
    r.setQos(message.qos() == QoS.AT_LEAST_ONCE
        ? software.amazon.awssdk.aws.greengrass.model.QOS.AT_LEAST_ONCE
        : software.amazon.awssdk.aws.greengrass.model.QOS.AT_MOST_ONCE);
    r.setRetain(message.retain());
    MessageProperties p = message.properties();
    if (!p.isEmpty()) {
      p.contentType().ifPresent(r::setContentType);
      p.messageExpirySeconds().ifPresent(r::setMessageExpiryIntervalSeconds);
      p.responseTopic().ifPresent(r::setResponseTopic);
      p.correlationData().ifPresent(r::setCorrelationData);
      p.payloadIsUtf8().ifPresent(utf8 -> r.setPayloadFormat(utf8 ? PayloadFormat.UTF8 : PayloadFormat.BYTES));
      if (!p.userProperties().isEmpty()) {
        r.setUserProperties(p.userProperties().stream().map(u -> {
          UserProperty up = new UserProperty();
          up.setKey(u.name());
          up.setValue(u.value());
          return up;
        }).toList());
      }
    }
    return r;
  }

  /** Options of an {@link IpcMqttClient}; every one has a default. */
  public static final class Builder {
    private final GreengrassIpc ipc;
    private String clientId;
    private MqttLimits limits = MqttLimits.AWS_IOT_CORE;
    private Duration linger = Duration.ofSeconds(5);
    private Duration settle = Duration.ofMillis(500);
    private boolean ownsIpc;

    private Builder(GreengrassIpc ipc) {
      this.ipc = Objects.requireNonNull(ipc, "ipc");
    }

    /** The client id services use as thing name; default {@code AWS_IOT_THING_NAME}. */
    public Builder clientId(String id) {
      this.clientId = id;
      return this;
    }

    /** Limits checked before sending; default AWS IoT Core's (128 KiB, the nucleus' default too). */
    public Builder limits(MqttLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /** How long a released stream is kept for reuse; zero terminates at once. Default 5 s. */
    public Builder linger(Duration value) {
      this.linger = requireNotNegative(value, "linger");
      return this;
    }

    /** The wait before re-opening a stream that was just terminated. Default 500 ms. */
    public Builder settle(Duration value) {
      this.settle = requireNotNegative(value, "settle");
      return this;
    }

    /** Whether {@link IpcMqttClient#close()} also closes the {@link GreengrassIpc}. Default false. */
    public Builder closeIpcOnClose(boolean value) {
      this.ownsIpc = value;
      return this;
    }

    /**
     * Builds the client; it is connected if the IPC connection is.
     *
     * @throws IllegalStateException if no client id was given and {@code AWS_IOT_THING_NAME} is unset
     */
    public IpcMqttClient build() {
      return build(System.getenv());
    }

    IpcMqttClient build(Map<String, String> environment) {
      String id = clientId != null ? clientId : environment.get(THING_NAME_ENV);
      if (id == null || id.isBlank()) {
        throw new IllegalStateException("no client id: set " + THING_NAME_ENV + " or give one explicitly");
      }
      return new IpcMqttClient(this, id);
    }

    private static Duration requireNotNegative(Duration d, String name) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }
  }
}
