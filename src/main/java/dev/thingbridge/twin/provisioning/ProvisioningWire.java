package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cloud's side of the Fleet Provisioning topics: which request a topic is, and the replies, in the
 * request's format, on its {@code /accepted} or {@code /rejected} topic. Replies echo the request's MQTT 5
 * correlation data, so that devices sharing a broker tell their replies apart.
 */
final class ProvisioningWire {
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[0-9A-Za-z_-]{1,36}");

  private ProvisioningWire() {}

  /** The three requests. */
  public enum Operation {
    CREATE_KEYS_AND_CERTIFICATE, CREATE_CERTIFICATE_FROM_CSR, REGISTER_THING
  }

  /** A request topic, parsed. */
  public record Request(Operation operation, String templateName, PayloadFormat format, String topic) {}

  /** The request a topic names; empty for anything else (an accepted topic, an unknown format). */
  public static Optional<Request> parse(String topic) {
    String[] l = topic.split("/", -1);
    if (l.length == 4 && l[0].equals("$aws") && l[1].equals("certificates")) {
      PayloadFormat f = PayloadFormat.ofSuffix(l[3]);
      Operation op = l[2].equals("create") ? Operation.CREATE_KEYS_AND_CERTIFICATE
          : l[2].equals("create-from-csr") ? Operation.CREATE_CERTIFICATE_FROM_CSR : null;
      return f == null || op == null ? Optional.empty() : Optional.of(new Request(op, null, f, topic));
    }
    if (l.length == 5 && l[0].equals("$aws") && l[1].equals("provisioning-templates") && l[3].equals("provision")
        && TEMPLATE_NAME.matcher(l[2]).matches()) {
      PayloadFormat f = PayloadFormat.ofSuffix(l[4]);
      return f == null ? Optional.empty() : Optional.of(new Request(Operation.REGISTER_THING, l[2], f, topic));
    }
    return Optional.empty();
  }

  /** The request's payload as a map; an empty payload is an empty map. */
  public static ObjectNode body(Request request, byte[] payload) {
    if (payload.length == 0) {
      return request.format().mapper().createObjectNode();
    }
    JsonNode n = request.format().readTree(payload);
    if (!n.isObject()) {
      throw new IllegalArgumentException("the payload is not a " + request.format().suffix() + " map");
    }
    return (ObjectNode) n;
  }

  /** A new map in the request's format. */
  public static ObjectNode object(Request request) {
    return request.format().mapper().createObjectNode();
  }

  /** The accepted reply. */
  public static MqttMessage accepted(Request request, MqttMessage original, JsonNode body) {
    return reply(request.topic() + "/accepted", request, original, body);
  }

  /** The rejected reply: {@code {"statusCode","errorCode","errorMessage"}}. */
  public static MqttMessage rejected(Request request, MqttMessage original, int statusCode, String errorCode,
      String errorMessage) {
    ObjectNode n = object(request).put("statusCode", statusCode).put("errorCode", errorCode)
        .put("errorMessage", errorMessage);
    return reply(request.topic() + "/rejected", request, original, n);
  }

  private static MqttMessage reply(String topic, Request request, MqttMessage original, JsonNode body) {
    MessageProperties.Builder p = MessageProperties.builder().contentType(request.format().contentType());
    original.properties().correlationData().ifPresent(p::correlationData);
    return new MqttMessage(topic, request.format().write(body), QoS.AT_LEAST_ONCE, false, p.build());
  }
}
