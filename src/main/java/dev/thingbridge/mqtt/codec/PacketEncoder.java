package dev.thingbridge.mqtt.codec;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.codec.Packet.Connack;
import dev.thingbridge.mqtt.codec.Packet.Connect;
import dev.thingbridge.mqtt.codec.Packet.Disconnect;
import dev.thingbridge.mqtt.codec.Packet.PubAck;
import dev.thingbridge.mqtt.codec.Packet.Publish;
import dev.thingbridge.mqtt.codec.Packet.SubAck;
import dev.thingbridge.mqtt.codec.Packet.Subscribe;
import dev.thingbridge.mqtt.codec.Packet.TopicSubscription;
import dev.thingbridge.mqtt.codec.Packet.UnsubAck;
import dev.thingbridge.mqtt.codec.Packet.Unsubscribe;
import dev.thingbridge.mqtt.codec.Packet.Will;
import java.util.function.Consumer;

/**
 * Writes {@link Packet}s in the wire format of MQTT 3.1.1 or MQTT 5, fixed header included. For MQTT 3.1.1
 * the fields it lacks (properties, reason codes other than the few it has) are left out.
 */
public final class PacketEncoder {
  private PacketEncoder() {}

  /** The whole packet, ready to write to the socket. */
  public static byte[] encode(Packet packet, int version) {
    boolean v5 = version == Packet.V5;
    if (packet instanceof Publish p) {
      return publish(p, v5);
    } else if (packet instanceof PubAck a) {
      return frame(0x40, pubAck(a, v5));
    } else if (packet instanceof Connect c) {
      return frame(0x10, connect(c));
    } else if (packet instanceof Connack c) {
      return frame(0x20, connack(c, v5));
    } else if (packet instanceof Subscribe s) {
      return frame(0x82, subscribe(s, v5));
    } else if (packet instanceof SubAck s) {
      return frame(0x90, subAck(s, v5));
    } else if (packet instanceof Unsubscribe u) {
      return frame(0xA2, unsubscribe(u, v5));
    } else if (packet instanceof UnsubAck u) {
      return frame(0xB0, unsubAck(u, v5));
    } else if (packet instanceof Disconnect d) {
      return frame(0xE0, disconnect(d, v5));
    } else if (packet instanceof Packet.PingReq) {
      return new byte[] {(byte) 0xC0, 0};
    } else {
      return new byte[] {(byte) 0xD0, 0}; // PINGRESP, the last of the sealed types
    }
  }

  private static byte[] frame(int header, ByteWriter body) {
    ByteWriter out = new ByteWriter(body.size() + 5);
    out.writeByte(header).writeVarInt(body.size());
    byte[] b = body.toByteArray();
    return out.writeBytes(b).toByteArray();
  }

  private static ByteWriter connect(Connect c) {
    boolean v5 = c.protocolVersion() == Packet.V5;
    ByteWriter out = new ByteWriter(64);
    out.writeUtf8("MQTT").writeByte(c.protocolVersion());
    Will w = c.will();
    int flags = (c.cleanStart() ? 0x02 : 0)
        | (w != null ? 0x04 | (w.qos() << 3) | (w.retain() ? 0x20 : 0) : 0)
        | (c.password() != null ? 0x40 : 0)
        | (c.username() != null ? 0x80 : 0);
    out.writeByte(flags).writeUint16(c.keepAliveSeconds());
    if (v5) {
      writeProperties(out, p -> {
        if (c.sessionExpirySeconds() != 0) {
          p.writeByte(Properties.SESSION_EXPIRY).writeUint32(c.sessionExpirySeconds());
        }
        if (c.receiveMaximum() != 65_535) {
          p.writeByte(Properties.RECEIVE_MAXIMUM).writeUint16(c.receiveMaximum());
        }
        if (c.maximumPacketSize() != 0) {
          p.writeByte(Properties.MAXIMUM_PACKET_SIZE).writeUint32(c.maximumPacketSize());
        }
        if (c.topicAliasMaximum() != 0) {
          p.writeByte(Properties.TOPIC_ALIAS_MAXIMUM).writeUint16(c.topicAliasMaximum());
        }
        if (!c.requestProblemInformation()) {
          p.writeByte(Properties.REQUEST_PROBLEM_INFO).writeByte(0);
        }
        if (c.requestResponseInformation()) {
          p.writeByte(Properties.REQUEST_RESPONSE_INFO).writeByte(1);
        }
        if (c.authenticationMethod() != null) {
          p.writeByte(Properties.AUTH_METHOD).writeUtf8(c.authenticationMethod());
        }
        Properties.writeUserProperties(p, c.userProperties());
      });
    }
    out.writeUtf8(c.clientId());
    if (w != null) {
      if (v5) {
        writeProperties(out, p -> {
          if (w.delaySeconds() != 0) {
            p.writeByte(Properties.WILL_DELAY).writeUint32(w.delaySeconds());
          }
          Properties.writeMessageProperties(p, w.properties());
        });
      }
      out.writeUtf8(w.topic()).writeBinary(w.payload());
    }
    if (c.username() != null) {
      out.writeUtf8(c.username());
    }
    if (c.password() != null) {
      out.writeBinary(c.password());
    }
    return out;
  }

  private static ByteWriter connack(Connack c, boolean v5) {
    ByteWriter out = new ByteWriter(32);
    out.writeByte(c.sessionPresent() ? 1 : 0).writeByte(c.reasonCode());
    if (v5) {
      writeProperties(out, p -> {
        if (c.sessionExpirySeconds() != null) {
          p.writeByte(Properties.SESSION_EXPIRY).writeUint32(c.sessionExpirySeconds());
        }
        if (c.receiveMaximum() != null) {
          p.writeByte(Properties.RECEIVE_MAXIMUM).writeUint16(c.receiveMaximum());
        }
        if (c.maximumQos() != null) {
          p.writeByte(Properties.MAXIMUM_QOS).writeByte(c.maximumQos());
        }
        if (c.maximumPacketSize() != null) {
          p.writeByte(Properties.MAXIMUM_PACKET_SIZE).writeUint32(c.maximumPacketSize());
        }
        if (c.assignedClientId() != null) {
          p.writeByte(Properties.ASSIGNED_CLIENT_ID).writeUtf8(c.assignedClientId());
        }
        if (c.serverKeepAlive() != null) {
          p.writeByte(Properties.SERVER_KEEP_ALIVE).writeUint16(c.serverKeepAlive());
        }
        if (c.sharedSubscriptionAvailable() != null) {
          p.writeByte(Properties.SHARED_SUB_AVAILABLE).writeByte(c.sharedSubscriptionAvailable() ? 1 : 0);
        }
        reasonString(p, c.reasonString());
      });
    }
    return out;
  }

  /** PUBLISH is written in one piece so that a large payload is copied once. */
  private static byte[] publish(Publish p, boolean v5) {
    ByteWriter head = new ByteWriter(p.topic().length() + 32);
    head.writeUtf8(p.topic());
    if (p.qos() > 0) {
      head.writeUint16(p.packetId());
    }
    if (v5) {
      writeProperties(head, out -> {
        MessageProperties props = p.properties();
        Properties.writeMessageProperties(out, props);
        if (p.topicAlias() != 0) {
          out.writeByte(Properties.TOPIC_ALIAS).writeUint16(p.topicAlias());
        }
        for (int id : p.subscriptionIds()) {
          out.writeByte(Properties.SUBSCRIPTION_ID).writeVarInt(id);
        }
      });
    }
    int remaining = head.size() + p.payload().length;
    int header = 0x30 | (p.dup() ? 0x08 : 0) | (p.qos() << 1) | (p.retain() ? 1 : 0);
    ByteWriter out = new ByteWriter(1 + ByteWriter.varIntSize(remaining) + remaining);
    out.writeByte(header).writeVarInt(remaining).writeBytes(head.toByteArray()).writeBytes(p.payload());
    return out.toByteArray();
  }

  private static ByteWriter pubAck(PubAck a, boolean v5) {
    ByteWriter out = new ByteWriter(8).writeUint16(a.packetId());
    if (v5 && (a.reasonCode() != ReasonCodes.SUCCESS || a.reasonString() != null)) {
      out.writeByte(a.reasonCode());
      if (a.reasonString() != null) {
        writeProperties(out, p -> reasonString(p, a.reasonString()));
      }
    }
    return out;
  }

  private static ByteWriter subscribe(Subscribe s, boolean v5) {
    ByteWriter out = new ByteWriter(32).writeUint16(s.packetId());
    if (v5) {
      writeProperties(out, p -> {
        if (s.subscriptionId() != 0) {
          p.writeByte(Properties.SUBSCRIPTION_ID).writeVarInt(s.subscriptionId());
        }
        Properties.writeUserProperties(p, s.userProperties());
      });
    }
    for (TopicSubscription t : s.subscriptions()) {
      int options = t.qos() | (v5 ? (t.noLocal() ? 0x04 : 0) | (t.retainAsPublished() ? 0x08 : 0)
          | (t.retainHandling() << 4) : 0);
      out.writeUtf8(t.filter()).writeByte(options);
    }
    return out;
  }

  private static ByteWriter subAck(SubAck s, boolean v5) {
    ByteWriter out = new ByteWriter(8 + s.reasonCodes().size()).writeUint16(s.packetId());
    if (v5) {
      writeProperties(out, p -> reasonString(p, s.reasonString()));
    }
    s.reasonCodes().forEach(out::writeByte);
    return out;
  }

  private static ByteWriter unsubscribe(Unsubscribe u, boolean v5) {
    ByteWriter out = new ByteWriter(32).writeUint16(u.packetId());
    if (v5) {
      out.writeVarInt(0);
    }
    u.filters().forEach(out::writeUtf8);
    return out;
  }

  private static ByteWriter unsubAck(UnsubAck u, boolean v5) {
    ByteWriter out = new ByteWriter(8 + u.reasonCodes().size()).writeUint16(u.packetId());
    if (v5) {
      out.writeVarInt(0);
      u.reasonCodes().forEach(out::writeByte);
    }
    return out;
  }

  private static ByteWriter disconnect(Disconnect d, boolean v5) {
    ByteWriter out = new ByteWriter(16);
    if (v5 && (d.reasonCode() != ReasonCodes.SUCCESS || d.sessionExpirySeconds() != null
        || d.reasonString() != null)) {
      out.writeByte(d.reasonCode());
      writeProperties(out, p -> {
        if (d.sessionExpirySeconds() != null) {
          p.writeByte(Properties.SESSION_EXPIRY).writeUint32(d.sessionExpirySeconds());
        }
        reasonString(p, d.reasonString());
      });
    }
    return out;
  }

  private static void reasonString(ByteWriter out, String reason) {
    if (reason != null) {
      out.writeByte(Properties.REASON_STRING).writeUtf8(reason);
    }
  }

  /** Writes properties with their length prefix. */
  private static void writeProperties(ByteWriter out, Consumer<ByteWriter> body) {
    ByteWriter p = new ByteWriter(32);
    body.accept(p);
    out.writeVarInt(p.size()).writeBytes(p.toByteArray());
  }
}
