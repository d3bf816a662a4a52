package dev.thingbridge.mqtt.codec;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
import java.util.List;
import java.util.Objects;

/**
 * The MQTT control packets of MQTT 3.1.1 (protocol version 4) and MQTT 5, as immutable values. Fields that
 * MQTT 3.1.1 lacks take their MQTT 5 defaults. QoS 2's PUBREC, PUBREL and PUBCOMP and the AUTH packet are
 * not modelled: the server announces Maximum QoS 1 and no enhanced authentication, so the decoder reports
 * them as protocol errors.
 */
public sealed interface Packet {
  /** MQTT 3.1.1. */
  int V311 = 4;
  /** MQTT 5. */
  int V5 = 5;

  /** The fixed header's packet type (1 for CONNECT ... 14 for DISCONNECT). */
  int type();

  /**
   * CONNECT. {@code sessionExpirySeconds} 0xFFFFFFFF means never; {@code maximumPacketSize} 0 means the
   * client set none; {@code will} and {@code password} may be null.
   */
  record Connect(int protocolVersion, String clientId, boolean cleanStart, int keepAliveSeconds,
      long sessionExpirySeconds, int receiveMaximum, long maximumPacketSize, int topicAliasMaximum,
      boolean requestProblemInformation, boolean requestResponseInformation, String authenticationMethod,
      List<UserProperty> userProperties, Will will, String username, byte[] password) implements Packet {
    public Connect {
      Objects.requireNonNull(clientId, "clientId");
      userProperties = List.copyOf(userProperties);
    }

    /** A plain CONNECT with MQTT 5 defaults, for tests and clients. */
    public static Connect of(int protocolVersion, String clientId, boolean cleanStart, int keepAliveSeconds,
        long sessionExpirySeconds) {
      return new Connect(protocolVersion, clientId, cleanStart, keepAliveSeconds, sessionExpirySeconds, 65_535, 0, 0,
          true, false, null, List.of(), null, null, null);
    }

    /** A copy with a will message. */
    public Connect withWill(Will value) {
      return new Connect(protocolVersion, clientId, cleanStart, keepAliveSeconds, sessionExpirySeconds,
          receiveMaximum, maximumPacketSize, topicAliasMaximum, requestProblemInformation,
          requestResponseInformation, authenticationMethod, userProperties, value, username, password);
    }

    /** A copy with the client's receive maximum and maximum packet size (0 for none). */
    public Connect withLimits(int receive, long packetSize) {
      return new Connect(protocolVersion, clientId, cleanStart, keepAliveSeconds, sessionExpirySeconds, receive,
          packetSize, topicAliasMaximum, requestProblemInformation, requestResponseInformation,
          authenticationMethod, userProperties, will, username, password);
    }

    @Override
    public int type() {
      return 1;
    }
  }

  /** The will message of a CONNECT. */
  record Will(String topic, byte[] payload, int qos, boolean retain, MessageProperties properties,
      long delaySeconds) {
    public Will {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(properties, "properties");
    }
  }

  /** CONNACK. Null properties are left out of the packet. */
  record Connack(boolean sessionPresent, int reasonCode, Long sessionExpirySeconds, Integer receiveMaximum,
      Integer maximumQos, Long maximumPacketSize, String assignedClientId, Integer serverKeepAlive,
      Boolean sharedSubscriptionAvailable, String reasonString) implements Packet {
    /** A refusal without properties. */
    public static Connack refused(int reasonCode, String reasonString) {
      return new Connack(false, reasonCode, null, null, null, null, null, null, null, reasonString);
    }

    @Override
    public int type() {
      return 2;
    }
  }

  /**
   * PUBLISH. {@code packetId} is 0 for QoS 0; {@code topicAlias} 0 means none; {@code subscriptionIds} are
   * the identifiers of the subscriptions a server-to-client PUBLISH matched.
   */
  record Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId,
      MessageProperties properties, int topicAlias, List<Integer> subscriptionIds) implements Packet {
    public Publish {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(properties, "properties");
      subscriptionIds = List.copyOf(subscriptionIds);
    }

    @Override
    public int type() {
      return 3;
    }
  }

  /** PUBACK. */
  record PubAck(int packetId, int reasonCode, String reasonString) implements Packet {
    @Override
    public int type() {
      return 4;
    }
  }

  /** SUBSCRIBE; {@code subscriptionId} 0 means none. */
  record Subscribe(int packetId, int subscriptionId, List<TopicSubscription> subscriptions,
      List<UserProperty> userProperties) implements Packet {
    public Subscribe {
      subscriptions = List.copyOf(subscriptions);
      userProperties = List.copyOf(userProperties);
    }

    @Override
    public int type() {
      return 8;
    }
  }

  /** One filter of a SUBSCRIBE with its options (MQTT 3.1.1 has only the QoS). */
  record TopicSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
      int retainHandling) {
    public TopicSubscription {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /** SUBACK: one reason code per filter. */
  record SubAck(int packetId, List<Integer> reasonCodes, String reasonString) implements Packet {
    public SubAck {
      reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public int type() {
      return 9;
    }
  }

  /** UNSUBSCRIBE. */
  record Unsubscribe(int packetId, List<String> filters) implements Packet {
    public Unsubscribe {
      filters = List.copyOf(filters);
    }

    @Override
    public int type() {
      return 10;
    }
  }

  /** UNSUBACK: one reason code per filter (MQTT 5 only). */
  record UnsubAck(int packetId, List<Integer> reasonCodes) implements Packet {
    public UnsubAck {
      reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public int type() {
      return 11;
    }
  }

  /** PINGREQ. */
  record PingReq() implements Packet {
    @Override
    public int type() {
      return 12;
    }
  }

  /** PINGRESP. */
  record PingResp() implements Packet {
    @Override
    public int type() {
      return 13;
    }
  }

  /** DISCONNECT; {@code sessionExpirySeconds} null when not changed. */
  record Disconnect(int reasonCode, Long sessionExpirySeconds, String reasonString) implements Packet {
    @Override
    public int type() {
      return 14;
    }
  }
}
