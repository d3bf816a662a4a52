package dev.thingbridge.twin.commands;

import dev.thingbridge.testing.SteppedClock;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A twin with the commands service on the in-process bus, a stepped clock and device clients. */
final class CommandsRig implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Instant START = Instant.parse("2024-06-06T21:21:02.107Z");

  final LocalBroker broker;
  final SteppedClock clock;
  final MqttClient twinClient;
  final Twin twin;
  final CommandsService service;
  /** Clients the rig connected for tests (event listeners), closed with the rig. */
  private final List<MqttClient> extraClients = new java.util.concurrent.CopyOnWriteArrayList<>();

  CommandsRig() throws Exception {
    this(null, TwinLimits.RELAXED);
  }

  CommandsRig(Path stateDir, TwinLimits limits) throws Exception {
    this(new LocalBroker(), new SteppedClock(START), stateDir, limits);
  }

  /** A twin on an existing bus and clock (a restart). */
  CommandsRig(LocalBroker broker, SteppedClock clock, Path stateDir, TwinLimits limits) throws Exception {
    this.broker = broker;
    this.clock = clock;
    twinClient = broker.connect("twin");
    service = new CommandsService();
    twin = Twin.builder(twinClient).clock(clock).limits(limits).stateDir(stateDir).service(service).build();
    twin.start().get(5, TimeUnit.SECONDS);
  }

  String thingArn(String thing) {
    return service.settings().targetArn(DeviceTarget.thing(thing));
  }

  Command createCommand(String id, String contentType, byte[] payload) {
    return service.createCommand(CommandSpec.builder(id).payload(payload, contentType).build());
  }

  /** A device on the bus that sees its requests and the cloud's replies (not its own publishes). */
  Device device(DeviceTarget target, PayloadFormat format) throws Exception {
    return device(target, format, MqttLimits.AWS_IOT_CORE);
  }

  /** A device whose own client checks other limits (to send what AWS IoT Core would refuse). */
  Device device(DeviceTarget target, PayloadFormat format, MqttLimits limits) throws Exception {
    MqttClient client = broker.connect(target.type() == DeviceTarget.DeviceType.CLIENTS
        ? target.deviceId() : target.deviceId() + "-conn", limits);
    String base = "$aws/commands/" + target.type().topicWord() + "/" + target.deviceId() + "/executions/+/";
    Subscription requests = client.subscribe(List.of(
        new SubscriptionFilter(CommandServiceTopics.requestFilter(target, format), QoS.AT_LEAST_ONCE, true)))
        .get(5, TimeUnit.SECONDS);
    String replyFilter = base + "response/+" + format.topicSuffix();
    Subscription replies = client.subscribe(List.of(new SubscriptionFilter(replyFilter, QoS.AT_LEAST_ONCE, true)))
        .get(5, TimeUnit.SECONDS);
    return new Device(client, target, format, requests, replies);
  }

  Subscription events(String commandId) throws Exception {
    MqttClient app = broker.connect("app-" + commandId);
    extraClients.add(app);
    return app.subscribe("$aws/events/commandExecution/" + commandId + "/+", QoS.AT_LEAST_ONCE)
        .get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    twin.close();
    twinClient.close();
    extraClients.forEach(MqttClient::close);
  }

  /** A device client. */
  record Device(MqttClient client, DeviceTarget target, PayloadFormat format, Subscription requests,
      Subscription replies) implements AutoCloseable {
    MqttMessage nextRequest() throws InterruptedException {
      return requests.next(WAIT);
    }

    /** Publishes an update on the response topic and waits for the cloud's answer. */
    MqttMessage report(String executionId, byte[] payload) throws Exception {
      return report(executionId, payload, format);
    }

    MqttMessage report(String executionId, byte[] payload, PayloadFormat on) throws Exception {
      client.publish(CommandServiceTopics.response(target, executionId, on), payload, QoS.AT_LEAST_ONCE, false)
          .get(5, TimeUnit.SECONDS);
      return replies.next(WAIT);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
