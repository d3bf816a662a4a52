package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cloud whose every answer the test writes: it records the classic shadow's requests of one thing and publishes
 * whatever replies and events the test asks for. For the agent's corner cases the twin would never produce on cue
 * (a lost acknowledgement, crossed versions, an echo, a GET that never comes back).
 */
final class ScriptedShadowCloud implements AutoCloseable {
  /** One request the device sent. */
  record Request(String operation, ObjectNode body) {
    String token() {
      return body.path("clientToken").asText(null);
    }
  }

  private final String base;
  private final MqttClient client;
  private final Subscription requests;
  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();

  ScriptedShadowCloud(LocalBroker broker, String thing) throws Exception {
    this.base = "$aws/things/" + thing + "/shadow/";
    this.client = broker.connect("scripted-cloud");
    this.requests = client.subscribe(List.of(SubscriptionFilter.of(base + "+", QoS.AT_LEAST_ONCE)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage m) {
            String op = m.topic().substring(base.length());
            received.add(new Request(op, m.payload().length == 0 ? AgentRig.json("{}")
                : AgentRig.json(m.payloadAsString())));
          }
        }).get(5, TimeUnit.SECONDS);
  }

  /** The next request; fails the test if it is not of {@code operation} or none comes within 5 s. */
  Request expect(String operation) throws InterruptedException {
    Request r = received.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no " + operation + " request within 5 s");
    }
    if (!r.operation().equals(operation)) {
      throw new AssertionError("expected a " + operation + " request, got " + r);
    }
    return r;
  }

  /** Whether a request arrives within {@code millis}. */
  Request poll(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Publishes on {@code base + suffix}, such as {@code get/accepted} or {@code update/delta}. */
  void send(String suffix, String json) throws Exception {
    client.publish(base + suffix, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
        .get(5, TimeUnit.SECONDS);
  }

  void accept(Request r, long version) throws Exception {
    String state = r.body().has("state") ? r.body().get("state").toString() : "{}";
    send(r.operation() + "/accepted", "{\"state\":" + state + ",\"version\":" + version
        + ",\"timestamp\":1,\"clientToken\":\"" + r.token() + "\"}");
  }

  void reject(Request r, int code, String message) throws Exception {
    send(r.operation() + "/rejected", "{\"code\":" + code + ",\"message\":\"" + message + "\",\"clientToken\":\""
        + r.token() + "\"}");
  }

  void document(Request get, String state, long version) throws Exception {
    send("get/accepted", "{\"state\":" + state + ",\"version\":" + version + ",\"timestamp\":1,\"clientToken\":\""
        + get.token() + "\"}");
  }

  void delta(String state, long version, String token) throws Exception {
    send("update/delta", "{\"state\":" + state + ",\"version\":" + version + ",\"timestamp\":1"
        + (token == null ? "" : ",\"clientToken\":\"" + token + "\"") + "}");
  }

  @Override
  public void close() {
    requests.close();
    client.close();
  }
}
