package dev.thingbridge.greengrass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.model.ConflictError;
import software.amazon.awssdk.aws.greengrass.model.DeleteThingShadowRequest;
import software.amazon.awssdk.aws.greengrass.model.GetThingShadowRequest;
import software.amazon.awssdk.aws.greengrass.model.InvalidArgumentsError;
import software.amazon.awssdk.aws.greengrass.model.ListNamedShadowsForThingRequest;
import software.amazon.awssdk.aws.greengrass.model.ResourceNotFoundError;
import software.amazon.awssdk.aws.greengrass.model.ServiceError;
import software.amazon.awssdk.aws.greengrass.model.UnauthorizedError;
import software.amazon.awssdk.aws.greengrass.model.UpdateThingShadowRequest;

/**
 * The Device Shadow MQTT API served by {@code aws.greengrass.ShadowManager}'s local shadows instead of AWS IoT:
 * an {@link dev.thingbridge.mqtt.MqttClient} on which the shadow library runs unchanged. ShadowManager keeps the
 * shadows on the core and syncs the ones its own configuration names with the cloud; thingbridge then never
 * talks to the cloud's shadow topics for them, so no shadow is synced twice.
 *
 * <ul>
 *   <li>A publish to {@code $aws/things/<t>/shadow[/name/<n>]/get|update|delete} becomes the IPC call {@code
 *       GetThingShadow}, {@code UpdateThingShadow} or {@code DeleteThingShadow}; its answer is delivered on
 *       {@code .../accepted} (with the request's {@code clientToken}), its error on {@code .../rejected} as the
 *       Device Shadow service writes it ({@code ResourceNotFoundError} 404, {@code ConflictError} 409, {@code
 *       InvalidArgumentsError} 400, {@code UnauthorizedError} 401, "Too Many Requests" 429, anything else 500).
 *   <li>A subscription to {@code update/delta}, {@code update/documents} or {@code delete/accepted} (wildcards
 *       included) is a local pub/sub subscription: ShadowManager publishes those there. Reply filters ({@code
 *       .../accepted}, {@code .../rejected} of a request) are served locally.
 *   <li>Anything else is refused: this client speaks only shadows.
 * </ul>
 *
 * The component needs {@code aws.greengrass.ShadowManager} authorization for the shadow operations and {@code
 * aws.greengrass.ipc.pubsub} SubscribeToTopic on {@code $aws/things/*}.
 */
public final class ShadowManagerMqttClient extends AbstractMqttClient {
  private static final Logger log = LoggerFactory.getLogger(ShadowManagerMqttClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUEST =
      Pattern.compile("\\$aws/things/([^/]+)/shadow(?:/name/([^/]+))?/(get|update|delete)");
  private static final Pattern REPLY =
      Pattern.compile("\\$aws/things/[^/]+/shadow(?:/name/[^/]+)?/(get|update|delete)/(accepted|rejected)");
  private static final Pattern EVENT =
      Pattern.compile("\\$aws/things/[^/]+/shadow(?:/name/[^/]+)?/(update/delta|update/documents|delete/accepted)");

  private final GreengrassIpc ipc;
  private final IpcLifecycle lifecycle;
  private final Map<String, CompletableFuture<IpcStream>> streams = new ConcurrentHashMap<>();

  /**
   * A client over {@code ipc} (not owned: closing this client leaves it open).
   *
   * @param clientId what the shadow library takes as the default thing name
   */
  public ShadowManagerMqttClient(GreengrassIpc ipc, String clientId) {
    super(clientId, new MqttLimits(30 * 1024, 256), 10_000, ipc.operationTimeout());
    this.ipc = ipc;
    this.lifecycle = ipc.lifecycle();
    ipc.follow(() -> connected(false), this::disconnected);
  }

  @Override
  protected CompletableFuture<Void> doPublish(MqttMessage message) {
    Matcher m = REQUEST.matcher(message.topic());
    if (!m.matches()) {
      return CompletableFuture.failedFuture(new MqttRefusedException("publish to " + message.topic(),
          IpcErrors.UNSPECIFIED, "only shadow requests go to ShadowManager"));
    }
    String thing = m.group(1);
    String shadow = m.group(2) == null ? "" : m.group(2);
    String operation = m.group(3);
    String token = clientToken(message.payload());
    CompletableFuture<byte[]> call = switch (operation) {
      case "get" -> {
        GetThingShadowRequest r = new GetThingShadowRequest();
        r.setThingName(thing);
        r.setShadowName(shadow);
        yield ipc.call("GetThingShadow " + thing + "/" + shadow, c -> c.getThingShadowAsync(r))
            .thenApply(x -> x.getPayload());
      }
      case "update" -> {
        UpdateThingShadowRequest r = new UpdateThingShadowRequest();
        r.setThingName(thing);
        r.setShadowName(shadow);
        r.setPayload(message.payload());
        yield ipc.call("UpdateThingShadow " + thing + "/" + shadow, c -> c.updateThingShadowAsync(r))
            .thenApply(x -> x.getPayload());
      }
      default -> {
        DeleteThingShadowRequest r = new DeleteThingShadowRequest();
        r.setThingName(thing);
        r.setShadowName(shadow);
        yield ipc.call("DeleteThingShadow " + thing + "/" + shadow, c -> c.deleteThingShadowAsync(r))
            .thenApply(x -> x.getPayload());
      }
    };
    return call.handle((payload, error) -> {
      if (error == null) {
        deliver(reply(message.topic() + "/accepted", withToken(payload, token)));
        return null;
      }
      GreengrassIpcException e = IpcErrors.toIpc(error, operation);
      if (e.kind() == GreengrassIpcException.Kind.NOT_CONNECTED || e.kind() == GreengrassIpcException.Kind.CLOSED
          || e.kind() == GreengrassIpcException.Kind.TIMEOUT) {
        throw IpcErrors.toMqtt(e, "publish to " + message.topic(), ipc.operationTimeout());
      }
      deliver(reply(message.topic() + "/rejected", rejection(e, token)));
      return null;
    });
  }

  private static MqttMessage reply(String topic, byte[] payload) {
    return new MqttMessage(topic, payload, QoS.AT_LEAST_ONCE, false, MessageProperties.NONE);
  }

  /**
   * {@code ListNamedShadowsForThing}, every page: the named shadows ShadowManager has for a thing (what a shadow
   * manager's discovery asks at start).
   *
   * @throws GreengrassIpcException when ShadowManager refuses or does not answer
   */
  public java.util.List<String> listNamedShadows(String thing) throws InterruptedException {
    java.util.List<String> out = new java.util.ArrayList<>();
    String next = null;
    do {
      ListNamedShadowsForThingRequest r = new ListNamedShadowsForThingRequest();
      r.setThingName(thing);
      r.setPageSize(100);
      r.setNextToken(next);
      try {
        var page = ipc.call("ListNamedShadowsForThing " + thing, c -> c.listNamedShadowsForThingAsync(r)).get();
        if (page.getResults() != null) {
          out.addAll(page.getResults());
        }
        next = page.getNextToken();
      } catch (java.util.concurrent.ExecutionException e) {
        throw IpcErrors.toIpc(e.getCause(), "ListNamedShadowsForThing " + thing);
      }
    } while (next != null && !next.isEmpty());
    return out;
  }

  @Override
  protected CompletableFuture<Void> doSubscribe(SubscriptionFilter filter) {
    String f = filter.filter();
    if (REPLY.matcher(f.replace("+", "x")).matches() && !f.endsWith("delete/accepted")) {
      return CompletableFuture.completedFuture(null); // delivered by doPublish
    }
    if (!EVENT.matcher(f.replace("+", "x")).matches()) {
      return CompletableFuture.failedFuture(new MqttRefusedException("subscribe to " + f, IpcErrors.UNSPECIFIED,
          "only shadow events come from ShadowManager"));
    }
    CompletableFuture<IpcStream> existing = streams.get(f);
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing.thenApply(s -> null); // durable: re-opened by the IPC connection itself
    }
    CompletableFuture<IpcStream> opened = lifecycle.subscribeToTopic(f, local -> deliver(
        new MqttMessage(local.topic(), local.payload(), QoS.AT_LEAST_ONCE, false, MessageProperties.NONE), f));
    streams.put(f, opened);
    return opened.handle((s, e) -> {
      if (e != null) {
        streams.remove(f, opened);
        throw IpcErrors.toMqtt(e, "subscribe to " + f, ipc.operationTimeout());
      }
      return null;
    });
  }

  @Override
  protected CompletableFuture<Void> doUnsubscribe(String filter) {
    CompletableFuture<IpcStream> s = streams.remove(filter);
    if (s != null) {
      s.thenAccept(IpcStream::close);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  protected void doClose() {
    streams.values().forEach(s -> s.thenAccept(IpcStream::close));
    streams.clear();
  }

  private static String clientToken(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return null;
    }
    try {
      JsonNode t = JSON.readTree(payload).get("clientToken");
      return t != null && t.isTextual() ? t.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** ShadowManager answers GET and DELETE without the token (their IPC requests carry none): put it back. */
  private static byte[] withToken(byte[] payload, String token) {
    if (token == null) {
      return payload == null ? new byte[0] : payload;
    }
    try {
      JsonNode tree = payload == null || payload.length == 0 ? JsonNodeFactory.instance.objectNode()
          : JSON.readTree(payload);
      if (tree instanceof ObjectNode o && !o.has("clientToken")) {
        o.put("clientToken", token);
        return JSON.writeValueAsBytes(o);
      }
      return payload;
    } catch (IOException e) {
      log.warn("shadowmanager: an answer that is not JSON: {}", e.getMessage());
      return payload;
    }
  }

  private static byte[] rejection(GreengrassIpcException e, String token) {
    Throwable cause = e.getCause();
    int code;
    if (cause instanceof ResourceNotFoundError) {
      code = 404;
    } else if (cause instanceof ConflictError) {
      code = 409;
    } else if (cause instanceof InvalidArgumentsError) {
      code = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("size") ? 413 : 400;
    } else if (cause instanceof UnauthorizedError) {
      code = 401;
    } else if (cause instanceof ServiceError s && String.valueOf(s.getMessage()).contains("Too Many Requests")) {
      code = 429;
    } else {
      code = 500;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("code", code)
        .put("message", cause == null ? String.valueOf(e.getMessage()) : String.valueOf(cause.getMessage()))
        .put("timestamp", System.currentTimeMillis() / 1000);
    if (token != null) {
      body.put("clientToken", token);
    }
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
