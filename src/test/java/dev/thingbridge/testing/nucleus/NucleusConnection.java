package dev.thingbridge.testing.nucleus;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCServiceModel;
import software.amazon.awssdk.aws.greengrass.model.*;
import software.amazon.awssdk.crt.eventstream.Header;
import software.amazon.awssdk.crt.eventstream.MessageFlags;
import software.amazon.awssdk.crt.eventstream.MessageType;
import software.amazon.awssdk.crt.eventstream.ServerConnection;
import software.amazon.awssdk.crt.eventstream.ServerConnectionContinuation;
import software.amazon.awssdk.crt.eventstream.ServerConnectionContinuationHandler;
import software.amazon.awssdk.crt.eventstream.ServerConnectionHandler;

/**
 * One component's IPC connection to the {@link FakeNucleus}: the Connect handshake, then one {@link
 * NucleusStream} per operation. Runs on the CRT event loop and never blocks it: upstream calls are
 * asynchronous and answers may be sent from any thread.
 */
final class NucleusConnection extends ServerConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(NucleusConnection.class);
  private static final GreengrassCoreIPCServiceModel MODEL = GreengrassCoreIPCServiceModel.getInstance();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "aws.greengrass#";

  private final FakeNucleus nucleus;
  private final ServerConnection link;
  private volatile boolean authenticated;
  /** The component this connection authenticated as (by its token). */
  private volatile FakeNucleus.Component principal;
  private volatile boolean componentUpdatesSubscribed;
  private final Map<NucleusStream, String> ioTCoreStreams = new ConcurrentHashMap<>();
  private final Map<NucleusStream, List<String>> configStreams = new ConcurrentHashMap<>();
  private final Map<NucleusStream, LocalSubscriber> localStreams = new ConcurrentHashMap<>();
  private final Map<NucleusStream, Boolean> updateStreams = new ConcurrentHashMap<>();
  private final Map<NucleusStream, Boolean> validateStreams = new ConcurrentHashMap<>();

  private record LocalSubscriber(String topic, boolean fromOthersOnly) {}

  NucleusConnection(FakeNucleus nucleus, ServerConnection connection) {
    super(connection);
    this.nucleus = nucleus;
    this.link = connection;
  }

  boolean is(ServerConnection c) {
    return c == link;
  }

  boolean authenticated() {
    return authenticated && link.isConnectionOpen();
  }

  void drop() {
    if (link.isConnectionOpen()) {
      link.closeConnection(0);
    }
  }

  List<String> openIoTCoreFilters() {
    List<String> out = new ArrayList<>();
    ioTCoreStreams.forEach((s, f) -> {
      if (s.isOpen()) {
        out.add(f);
      }
    });
    return out;
  }

  @Override
  protected void onProtocolMessage(List<Header> headers, byte[] payload, MessageType type, int flags) {
    switch (type) {
      case Connect -> {
        String version = headers.stream().filter(h -> h.getName().equals(":version")).map(Header::getValueAsString)
            .findFirst().orElse("");
        FakeNucleus.Component who = nucleus.componentByToken(tokenOf(payload));
        boolean accepted = version.equals("0.1.0") && who != null && !nucleus.refuses(who);
        principal = who;
        link.sendProtocolMessage(null, null, MessageType.ConnectAck,
            accepted ? MessageFlags.ConnectionAccepted.getByteValue() : 0);
        if (accepted) {
          authenticated = true;
          nucleus.accepted.computeIfAbsent(who.name(), n -> new java.util.concurrent.atomic.AtomicInteger())
              .incrementAndGet();
        } else {
          log.info("fake nucleus: refused a connection (version {}, bad or missing token)", version);
          link.closeConnection(0);
        }
      }
      case Ping -> link.sendProtocolMessage(headers, payload, MessageType.PingResponse, 0);
      default -> {
        if (!authenticated) {
          link.sendProtocolMessage(null, null, MessageType.ProtocolError, 0);
        }
      }
    }
  }

  private static String tokenOf(byte[] payload) {
    try {
      return String.valueOf(JSON.readTree(payload).path("authToken").asText(null));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  @Override
  protected ServerConnectionContinuationHandler onIncomingStream(ServerConnectionContinuation c, String operation) {
    return new NucleusStream(c, operation, this::handle);
  }

  private void handle(NucleusStream stream) {
    String op = stream.operation.startsWith(NS) ? stream.operation.substring(NS.length()) : stream.operation;
    if (!authenticated || nucleus.unanswered.contains(op)) {
      return;
    }
    try {
      switch (op) {
        case "PublishToIoTCore" -> publishToIoTCore(stream);
        case "SubscribeToIoTCore" -> subscribeToIoTCore(stream);
        case "PublishToTopic" -> publishToTopic(stream);
        case "SubscribeToTopic" -> subscribeToTopic(stream);
        case "GetConfiguration" -> getConfiguration(stream);
        case "SubscribeToConfigurationUpdate" -> subscribeToConfigurationUpdate(stream);
        case "UpdateState" -> {
          UpdateStateRequest r = MODEL.fromJson(UpdateStateRequest.class, stream.request());
          nucleus.states.add(r.getStateAsString());
          answer(stream, () -> stream.respond(new UpdateStateResponse(), true));
        }
        case "SubscribeToComponentUpdates" -> {
          updateStreams.put(stream, true);
          componentUpdatesSubscribed = true;
          stream.onClose(() -> updateStreams.remove(stream));
          answer(stream, () -> stream.respond(new SubscribeToComponentUpdatesResponse(), false));
        }
        case "DeferComponentUpdate" -> deferComponentUpdate(stream);
        case "SubscribeToValidateConfigurationUpdates" -> {
          validateStreams.put(stream, true);
          stream.onClose(() -> validateStreams.remove(stream));
          answer(stream, () -> stream.respond(new SubscribeToValidateConfigurationUpdatesResponse(), false));
        }
        case "SendConfigurationValidityReport" -> {
          SendConfigurationValidityReportRequest r =
              MODEL.fromJson(SendConfigurationValidityReportRequest.class, stream.request());
          nucleus.validityReported(principal.name(), r.getConfigurationValidityReport());
          answer(stream, () -> stream.respond(new SendConfigurationValidityReportResponse(), true));
        }
        case "GetThingShadow", "UpdateThingShadow", "DeleteThingShadow", "ListNamedShadowsForThing" -> {
          FakeShadowManager sm = nucleus.shadowManager();
          if (sm == null) {
            stream.fail(new ServiceError("Operation " + stream.operation + " is not supported by Greengrass"));
          } else {
            sm.handle(op, stream, this::authorized);
          }
        }
        default -> stream.fail(new ServiceError("Operation " + stream.operation + " is not supported by Greengrass"));
      }
    } catch (RuntimeException e) {
      stream.fail(new ServiceError("bad request for " + op + ": " + e.getMessage()));
    }
  }

  /** Sends the answer now, or after the delay configured for the operation. */
  private void answer(NucleusStream stream, Runnable reply) {
    String op = stream.operation.substring(stream.operation.indexOf('#') + 1);
    Duration delay = nucleus.delays.get(op);
    if (delay == null || delay.isZero()) {
      reply.run();
    } else {
      nucleus.scheduler.schedule(reply, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The component this connection speaks for (null before the handshake). */
  FakeNucleus.Component principal() {
    return principal;
  }

  /** Sends a proposed configuration to this connection's validation subscribers; false when there is none. */
  boolean proposeConfiguration(String component, String deploymentId, Map<String, Object> configuration) {
    if (principal == null || !principal.name().equals(component) || validateStreams.isEmpty()) {
      return false;
    }
    validateStreams.keySet().forEach(stream -> {
      ValidateConfigurationUpdateEvent e = new ValidateConfigurationUpdateEvent();
      e.setDeploymentId(deploymentId);
      e.setConfiguration(configuration);
      ValidateConfigurationUpdateEvents events = new ValidateConfigurationUpdateEvents();
      events.setValidateConfigurationUpdateEvent(e);
      stream.event(events);
    });
    return true;
  }

  boolean authorized(NucleusStream stream, String service, String resource) {
    if (principal.accessControl().allows(service, stream.operation, resource)) {
      return true;
    }
    stream.fail(new UnauthorizedError("Principal " + principal.name() + " is not authorized to perform "
        + service + ":" + stream.operation + " on resource " + resource));
    return false;
  }

  private void publishToIoTCore(NucleusStream stream) {
    PublishToIoTCoreRequest r = MODEL.fromJson(PublishToIoTCoreRequest.class, stream.request());
    String missing = r.getTopicName() == null ? "Topic is required"
        : r.getPayload() == null ? "Payload is required" : r.getQos() == null ? "QoS is required" : null;
    if (missing != null) {
      stream.fail(new InvalidArgumentsError(missing));
      return;
    }
    String topic = r.getTopicName();
    if (!authorized(stream, AccessControl.MQTT_PROXY, topic)) {
      return;
    }
    if (r.getPayload().length > FakeNucleus.MAX_PUBLISH_BYTES) {
      stream.fail(new ServiceError("Publish to topic " + topic + " failed: payload is larger than the maximum of "
          + FakeNucleus.MAX_PUBLISH_BYTES + " bytes"));
      return;
    }
    MessageProperties.Builder p = MessageProperties.builder().contentType(r.getContentType())
        .messageExpirySeconds(r.getMessageExpiryIntervalSeconds()).responseTopic(r.getResponseTopic())
        .correlationData(r.getCorrelationData());
    if (r.getPayloadFormat() != null) {
      p.payloadIsUtf8(r.getPayloadFormat() == PayloadFormat.UTF8);
    }
    if (r.getUserProperties() != null) {
      p.userProperties(r.getUserProperties().stream()
          .map(u -> new MessageProperties.UserProperty(u.getKey(), u.getValue())).toList());
    }
    MqttMessage message = new MqttMessage(topic, r.getPayload(),
        r.getQos() == QOS.AT_LEAST_ONCE ? QoS.AT_LEAST_ONCE : QoS.AT_MOST_ONCE, Boolean.TRUE.equals(r.isRetain()),
        p.build());
    nucleus.router().publish(message).whenComplete((v, e) -> answer(stream, () -> {
      if (e == null) {
        stream.respond(new PublishToIoTCoreResponse(), true);
      } else {
        Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        stream.fail(new ServiceError(cause.getMessage() != null && cause.getMessage().contains("offline")
            ? cause.getMessage() : "Publish to topic " + topic + " failed: " + cause.getMessage()));
      }
    }));
  }

  private void subscribeToIoTCore(NucleusStream stream) {
    nucleus.ioTCoreSubscribeRequests.incrementAndGet();
    SubscribeToIoTCoreRequest r = MODEL.fromJson(SubscribeToIoTCoreRequest.class, stream.request());
    if (r.getTopicName() == null || r.getQos() == null) {
      stream.fail(new InvalidArgumentsError(r.getTopicName() == null ? "Topic is required" : "QoS is required"));
      return;
    }
    String filter = r.getTopicName();
    nucleus.subscribesByFilter.computeIfAbsent(filter, f -> new java.util.concurrent.atomic.AtomicInteger())
        .incrementAndGet();
    if (!authorized(stream, AccessControl.MQTT_PROXY, filter)) {
      return;
    }
    if (nucleus.refuseSubscribe(filter)) {
      ServiceError error = new ServiceError("Subscribe to topic " + filter + " failed: refused by IoT Core");
      error.setContext(Map.of("reasonCode", 128, "reasonString", "refused by IoT Core"));
      stream.fail(error);
      return;
    }
    try {
      Topics.requireValidFilter(filter, 256);
    } catch (IllegalArgumentException e) {
      stream.fail(new ServiceError("Subscribe to topic " + filter + " failed: " + e.getMessage()));
      return;
    }
    ioTCoreStreams.put(stream, filter);
    QoS qos = r.getQos() == QOS.AT_LEAST_ONCE ? QoS.AT_LEAST_ONCE : QoS.AT_MOST_ONCE;
    nucleus.router().upstream().subscribe(List.of(SubscriptionFilter.of(filter, qos)), m -> {
      if (!stream.responded()) {
        // What the nucleus does: "Not forwarding message ..." until the response is out.
        nucleus.droppedBeforeResponse.incrementAndGet();
        log.info("fake nucleus: not forwarding a message on {}: the subscribe response for {} is not sent yet",
            m.topic(), filter);
        return;
      }
      stream.event(toIoTCoreMessage(m));
    }).whenComplete((subscription, e) -> {
      if (e != null) {
        ioTCoreStreams.remove(stream);
        ServiceError error = new ServiceError("Subscribe to topic " + filter + " failed: " + e.getMessage());
        error.setContext(Map.of("reasonCode", 128, "reasonString", String.valueOf(e.getMessage())));
        stream.fail(error);
        return;
      }
      stream.onClose(() -> {
        ioTCoreStreams.remove(stream);
        subscription.unsubscribe();
      });
      answer(stream, () -> stream.respond(new SubscribeToIoTCoreResponse(), false));
    });
  }

  private static IoTCoreMessage toIoTCoreMessage(MqttMessage m) {
    MQTTMessage mm = new MQTTMessage();
    mm.setTopicName(m.topic());
    mm.setPayload(m.payload());
    mm.setRetain(m.retain());
    MessageProperties p = m.properties();
    p.contentType().ifPresent(mm::setContentType);
    p.messageExpirySeconds().ifPresent(mm::setMessageExpiryIntervalSeconds);
    p.responseTopic().ifPresent(mm::setResponseTopic);
    p.correlationData().ifPresent(mm::setCorrelationData);
    p.payloadIsUtf8().ifPresent(u -> mm.setPayloadFormat(u ? PayloadFormat.UTF8 : PayloadFormat.BYTES));
    if (!p.userProperties().isEmpty()) {
      mm.setUserProperties(p.userProperties().stream().map(u -> {
        UserProperty up = new UserProperty();
        up.setKey(u.name());
        up.setValue(u.value());
        return up;
      }).toList());
    }
    IoTCoreMessage event = new IoTCoreMessage();
    event.setMessage(mm);
    return event;
  }

  private void publishToTopic(NucleusStream stream) {
    PublishToTopicRequest r = MODEL.fromJson(PublishToTopicRequest.class, stream.request());
    String topic = r.getTopic();
    PublishMessage pm = r.getPublishMessage();
    if (topic == null || pm == null || (pm.getBinaryMessage() == null) == (pm.getJsonMessage() == null)) {
      stream.fail(new InvalidArgumentsError(topic == null ? "Topic is required" : "Exactly one of binary or JSON message is required"));
      return;
    }
    if (topic.contains("+") || topic.contains("#") || topic.contains("*")) {
      stream.fail(new InvalidArgumentsError("Publish topic must not contain a wildcard"));
      return;
    }
    if (!authorized(stream, AccessControl.PUB_SUB, topic)) {
      return;
    }
    byte[] binary = pm.getBinaryMessage() != null ? pm.getBinaryMessage().getMessage() : null;
    Map<String, Object> json = pm.getJsonMessage() != null ? pm.getJsonMessage().getMessage() : null;
    nucleus.routeLocal(topic, binary, json, principal.name());
    answer(stream, () -> stream.respond(new PublishToTopicResponse(), true));
  }

  private void subscribeToTopic(NucleusStream stream) {
    SubscribeToTopicRequest r = MODEL.fromJson(SubscribeToTopicRequest.class, stream.request());
    String topic = r.getTopic();
    if (topic == null) {
      stream.fail(new InvalidArgumentsError("Topic is required"));
      return;
    }
    if (!authorized(stream, AccessControl.PUB_SUB, topic)) {
      return;
    }
    boolean wildcard = topic.contains("+") || topic.contains("#");
    boolean fromOthers = r.getReceiveMode() == null ? wildcard : r.getReceiveMode() == ReceiveMode.RECEIVE_MESSAGES_FROM_OTHERS;
    localStreams.put(stream, new LocalSubscriber(topic, fromOthers));
    stream.onClose(() -> localStreams.remove(stream));
    SubscribeToTopicResponse response = new SubscribeToTopicResponse();
    response.setTopicName(topic);
    answer(stream, () -> stream.respond(response, false));
  }

  void localMessage(String topic, byte[] payload, Map<String, Object> json, String sender) {
    localStreams.forEach((stream, sub) -> {
      boolean match = sub.topic.contains("+") || sub.topic.contains("#") ? Topics.matches(sub.topic, topic) : sub.topic.equals(topic);
      if (!match || (sub.fromOthersOnly && sender.equals(principal.name()))) {
        return;
      }
      MessageContext context = new MessageContext();
      context.setTopic(topic);
      SubscriptionResponseMessage event = new SubscriptionResponseMessage();
      if (payload != null) {
        BinaryMessage b = new BinaryMessage();
        b.setMessage(payload);
        b.setContext(context);
        event.setBinaryMessage(b);
      } else {
        JsonMessage j = new JsonMessage();
        j.setMessage(json);
        j.setContext(context);
        event.setJsonMessage(j);
      }
      stream.event(event);
    });
  }

  @SuppressWarnings("unchecked")
  private void getConfiguration(NucleusStream stream) {
    GetConfigurationRequest r = MODEL.fromJson(GetConfigurationRequest.class, stream.request());
    if (r.getComponentName() != null && !r.getComponentName().equals(principal.name())) {
      stream.fail(new ResourceNotFoundError("Component " + r.getComponentName() + " not found"));
      return;
    }
    List<String> path = r.getKeyPath() == null ? List.of() : r.getKeyPath();
    Map<String, Object> value;
    synchronized (nucleus) {
      Object node = principal.configuration();
      for (String key : path) {
        if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
          stream.fail(new ResourceNotFoundError("Key not found"));
          return;
        }
        node = m.get(key);
      }
      if (node instanceof Map<?, ?> m) {
        value = (Map<String, Object>) FakeNucleus.deepCopy(m);
      } else {
        value = new LinkedHashMap<>();
        value.put(path.get(path.size() - 1), node);
      }
    }
    GetConfigurationResponse response = new GetConfigurationResponse();
    response.setComponentName(principal.name());
    response.setValue(value);
    answer(stream, () -> stream.respond(response, true));
  }

  private void subscribeToConfigurationUpdate(NucleusStream stream) {
    SubscribeToConfigurationUpdateRequest r = MODEL.fromJson(SubscribeToConfigurationUpdateRequest.class, stream.request());
    configStreams.put(stream, r.getKeyPath() == null ? List.of() : List.copyOf(r.getKeyPath()));
    stream.onClose(() -> configStreams.remove(stream));
    answer(stream, () -> stream.respond(new SubscribeToConfigurationUpdateResponse(), false));
  }

  void configurationChanged(String component, List<String> leaf) {
    if (principal == null || !principal.name().equals(component)) {
      return;
    }
    configStreams.forEach((stream, prefix) -> {
      if (leaf.size() >= prefix.size() && leaf.subList(0, prefix.size()).equals(prefix)) {
        ConfigurationUpdateEvent e = new ConfigurationUpdateEvent();
        e.setComponentName(principal.name());
        e.setKeyPath(new ArrayList<>(leaf));
        ConfigurationUpdateEvents events = new ConfigurationUpdateEvents();
        events.setConfigurationUpdateEvent(e);
        stream.event(events);
      }
    });
  }

  void componentUpdate(String deploymentId, boolean restarting) {
    updateStreams.keySet().forEach(stream -> {
      PreComponentUpdateEvent pre = new PreComponentUpdateEvent();
      pre.setDeploymentId(deploymentId);
      pre.setIsGgcRestarting(restarting);
      ComponentUpdatePolicyEvents events = new ComponentUpdatePolicyEvents();
      events.setPreUpdateEvent(pre);
      stream.event(events);
    });
  }

  private void deferComponentUpdate(NucleusStream stream) {
    DeferComponentUpdateRequest r = MODEL.fromJson(DeferComponentUpdateRequest.class, stream.request());
    if (!componentUpdatesSubscribed) {
      stream.fail(new InvalidArgumentsError("Component is not subscribed to component updates"));
      return;
    }
    nucleus.deferrals.add(new FakeNucleus.Deferral(String.valueOf(r.getDeploymentId()), r.getMessage(),
        r.getRecheckAfterMs() == null ? -1 : r.getRecheckAfterMs()));
    answer(stream, () -> stream.respond(new DeferComponentUpdateResponse(), true));
  }
}
