package dev.thingbridge.mqtt.crt.internal;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket.PayloadFormatIndicator;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket.RetainHandlingType;

/** Converts thingbridge messages and filters to aws-crt MQTT 5 packets and back. */
public final class CrtPackets {
  private CrtPackets() {}

  /** The PUBLISH packet for an outbound message, MQTT 5 properties included. */
  public static PublishPacket toPublish(MqttMessage message) {
    PublishPacket.PublishPacketBuilder b =
        new PublishPacket.PublishPacketBuilder(message.topic(), toCrt(message.qos()), message.payload());
    if (message.retain()) {
      b.withRetain(true);
    }
    MessageProperties p = message.properties();
    if (p.isEmpty()) {
      return b.build();
    }
    p.contentType().ifPresent(b::withContentType);
    p.messageExpirySeconds().ifPresent(b::withMessageExpiryIntervalSeconds);
    p.responseTopic().ifPresent(b::withResponseTopic);
    p.correlationData().ifPresent(b::withCorrelationData);
    p.payloadIsUtf8().ifPresent(utf8 -> b.withPayloadFormat(
        utf8 ? PayloadFormatIndicator.UTF8 : PayloadFormatIndicator.BYTES));
    if (!p.userProperties().isEmpty()) {
      List<software.amazon.awssdk.crt.mqtt5.packets.UserProperty> user = new ArrayList<>();
      for (UserProperty u : p.userProperties()) {
        user.add(new software.amazon.awssdk.crt.mqtt5.packets.UserProperty(u.name(), u.value()));
      }
      b.withUserProperties(user);
    }
    return b.build();
  }

  /** The message an inbound PUBLISH carries. The CRT hands over its own copy of the payload. */
  public static MqttMessage fromPublish(PublishPacket packet) {
    byte[] payload = packet.getPayload() == null ? new byte[0] : packet.getPayload();
    QoS qos = packet.getQOS() == QOS.AT_MOST_ONCE ? QoS.AT_MOST_ONCE : QoS.AT_LEAST_ONCE;
    boolean retain = Boolean.TRUE.equals(packet.getRetain());
    return new MqttMessage(packet.getTopic(), payload, qos, retain, propertiesOf(packet));
  }

  private static MessageProperties propertiesOf(PublishPacket packet) {
    List<software.amazon.awssdk.crt.mqtt5.packets.UserProperty> user = packet.getUserProperties();
    if (packet.getContentType() == null && packet.getMessageExpiryIntervalSeconds() == null
        && packet.getResponseTopic() == null && packet.getCorrelationData() == null
        && packet.getPayloadFormat() == null && (user == null || user.isEmpty())) {
      return MessageProperties.NONE;
    }
    MessageProperties.Builder b = MessageProperties.builder()
        .contentType(packet.getContentType())
        .messageExpirySeconds(packet.getMessageExpiryIntervalSeconds())
        .responseTopic(packet.getResponseTopic())
        .correlationData(packet.getCorrelationData());
    if (packet.getPayloadFormat() != null) {
      b.payloadIsUtf8(packet.getPayloadFormat() == PayloadFormatIndicator.UTF8);
    }
    if (user != null && !user.isEmpty()) {
      List<UserProperty> props = new ArrayList<>(user.size());
      for (software.amazon.awssdk.crt.mqtt5.packets.UserProperty u : user) {
        props.add(new UserProperty(u.key, u.value));
      }
      b.userProperties(props);
    }
    return b.build();
  }

  /**
   * A SUBSCRIBE for one filter; retained messages are sent on every subscribe, as MQTT 3 did.
   *
   * @param subscriptionId the MQTT 5 subscription identifier, or null to send none
   */
  public static SubscribePacket toSubscribe(SubscriptionFilter filter, Long subscriptionId) {
    SubscribePacket.SubscribePacketBuilder b = new SubscribePacket.SubscribePacketBuilder()
        .withSubscription(filter.filter(), toCrt(filter.qos()), filter.noLocal(), false,
            RetainHandlingType.SEND_ON_SUBSCRIBE);
    if (subscriptionId != null) {
      b.withSubscriptionIdentifier(subscriptionId);
    }
    return b.build();
  }

  static QOS toCrt(QoS qos) {
    return qos == QoS.AT_MOST_ONCE ? QOS.AT_MOST_ONCE : QOS.AT_LEAST_ONCE;
  }
}
