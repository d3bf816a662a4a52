package dev.thingbridge.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MessageProperties.UserProperty;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {
  private static final MessageProperties ALL = MessageProperties.builder()
      .contentType("application/json").responseTopic("reply/to").correlationData(new byte[] {1, 2, 3})
      .messageExpirySeconds(60L).payloadIsUtf8(true)
      .userProperties(List.of(new UserProperty("k", "v"), new UserProperty("k", "w"))).build();

  private static final Will WILL = new Will("will/t", "gone".getBytes(StandardCharsets.UTF_8), 1, true, ALL, 5);

  static List<Packet> samples() {
    return List.of(
        new Connect(5, "dev-1", false, 30, 3600, 10, 4096, 0, false, true, null,
            List.of(new UserProperty("a", "b")), WILL, "user", new byte[] {9, 8}),
        Connect.of(5, "", true, 0, 0),
        new Connack(true, 0, 3600L, 100, 1, 139_264L, "assigned", 1200, false, "hello"),
        new Publish("a/b", new byte[] {1, 2}, 1, true, true, 7, ALL, 0, List.of(3, 200_000)),
        new Publish("a/b", new byte[0], 0, false, false, 0, MessageProperties.NONE, 0, List.of()),
        new PubAck(7, 0, null),
        new PubAck(7, 0x99, "payload format invalid"),
        new Subscribe(9, 42, List.of(new TopicSubscription("a/#", 1, true, true, 2),
            new TopicSubscription("$aws/things/+/shadow/#", 0, false, false, 0)), List.of()),
        new SubAck(9, List.of(1, 0x8F), null),
        new Unsubscribe(10, List.of("a/#", "b")),
        new UnsubAck(10, List.of(0, 0x11)),
        new Packet.PingReq(),
        new Packet.PingResp(),
        new Disconnect(0x8E, null, "session taken over"),
        new Disconnect(0, 0L, null));
  }

  static List<Packet> v311Samples() {
    return List.of(
        new Connect(4, "dev-1", false, 30, 0, 65_535, 0, 0, true, false, null, List.of(),
            new Will("w", new byte[] {1}, 1, false, MessageProperties.NONE, 0), "u", new byte[] {1}),
        new Connack(false, 0, null, null, null, null, null, null, null, null),
        new Publish("a/b", new byte[] {1, 2}, 1, true, false, 7, MessageProperties.NONE, 0, List.of()),
        new PubAck(7, 0, null),
        new Subscribe(9, 0, List.of(new TopicSubscription("a/#", 1, false, false, 0)), List.of()),
        new SubAck(9, List.of(1, 0x80), null),
        new Unsubscribe(10, List.of("a/#")),
        new UnsubAck(10, List.of()),
        new Disconnect(0, null, null));
  }

  private static Packet roundTrip(Packet p, int version) throws MalformedPacketException {
    byte[] wire = PacketEncoder.encode(p, version);
    FrameDecoder.Frame f = new FrameDecoder(1 << 20).next(ByteBuffer.wrap(wire));
    Packet decoded = PacketDecoder.decode(f.header(), f.body(), version);
    assertThat(PacketEncoder.encode(decoded, version)).as("re-encoded %s", p).isEqualTo(wire);
    return decoded;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5})
  void every_packet_survives_a_round_trip(int version) throws Exception {
    for (Packet p : version == 5 ? samples() : v311Samples()) {
      Packet decoded = roundTrip(p, version);
      assertThat(decoded.getClass()).isEqualTo(p.getClass());
    }
  }

  @org.junit.jupiter.api.Test
  void message_properties_and_will_come_back_intact() throws Exception {
    Publish p = (Publish) roundTrip(samples().get(3), 5);
    assertThat(p.properties()).isEqualTo(ALL);
    assertThat(p.subscriptionIds()).containsExactly(3, 200_000);
    assertThat(p.dup()).isTrue();
    Connect c = (Connect) roundTrip(samples().get(0), 5);
    assertThat(c.will().properties()).isEqualTo(ALL);
    assertThat(c.will().delaySeconds()).isEqualTo(5);
    assertThat(c.sessionExpirySeconds()).isEqualTo(3600);
    assertThat(c.receiveMaximum()).isEqualTo(10);
    assertThat(c.maximumPacketSize()).isEqualTo(4096);
    assertThat(c.requestProblemInformation()).isFalse();
  }

  @org.junit.jupiter.api.Test
  void frames_arrive_in_pieces_and_a_packet_too_large_is_refused_before_its_body() throws Exception {
    byte[] wire = PacketEncoder.encode(samples().get(3), 5);
    FrameDecoder frames = new FrameDecoder(1 << 20);
    for (int i = 0; i < wire.length - 1; i++) {
      assertThat(frames.next(ByteBuffer.wrap(wire, i, 1))).isNull();
    }
    assertThat(frames.next(ByteBuffer.wrap(wire, wire.length - 1, 1))).isNotNull();
    assertThat(frames.inPacket()).isFalse();

    // Header and a remaining length of 1 MiB, with no body at all: refused at once.
    byte[] huge = {0x30, (byte) 0x80, (byte) 0x80, 0x40};
    assertThatThrownBy(() -> new FrameDecoder(1000).next(ByteBuffer.wrap(huge)))
        .isInstanceOfSatisfying(MalformedPacketException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ReasonCodes.PACKET_TOO_LARGE));
    byte[] fiveBytes = {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
    assertThatThrownBy(() -> new FrameDecoder(1000).next(ByteBuffer.wrap(fiveBytes)))
        .isInstanceOfSatisfying(MalformedPacketException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ReasonCodes.MALFORMED_PACKET));
  }

  /** Hostile or broken packets, as hex of header byte + body, with the reason code the decoder must give. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "PUBLISH QoS 3, 36, 0003612f6200, 5, 0x81",
      "PUBLISH QoS 0 with DUP, 38, 0003612f62, 5, 0x82",
      "PUBLISH wildcard topic, 30, 0003612f2b00, 5, 0x90",
      "PUBLISH empty topic without alias, 30, 000000, 5, 0x90",
      "PUBLISH packet id 0, 32, 0003612f62000000, 5, 0x82",
      "PUBLISH NUL in topic, 30, 0003610062, 4, 0x81",
      "PUBLISH ill-formed UTF-8, 30, 0002c328, 4, 0x81",
      "PUBLISH UTF-16 surrogate, 30, 0003eda080, 4, 0x81",
      "PUBLISH property length past end, 30, 0001610a, 5, 0x81",
      "PUBLISH repeated property, 30, 000161040101010101, 5, 0x82",
      "PUBLISH property of CONNECT, 30, 0001610211000000, 5, 0x81",
      "PUBLISH payload format 2, 30, 00016102010278, 5, 0x82",
      "PUBLISH topic alias 0, 30, 0001610323000078, 5, 0x94",
      "SUBSCRIBE reserved flags, 80, 000100000161 01, 5, 0x81",
      "SUBSCRIBE no filters, 82, 000100, 5, 0x82",
      "SUBSCRIBE options reserved bits, 82, 0001000001 61c0, 5, 0x81",
      "SUBSCRIBE retain handling 3, 82, 000100000161 30, 5, 0x82",
      "SUBSCRIBE v3.1.1 no-local bit, 82, 0001000161 04, 4, 0x81",
      "SUBSCRIBE subscription id 0, 82, 0001020b0000016100, 5, 0x82",
      "UNSUBSCRIBE no filters, a2, 000100, 5, 0x82",
      "PUBREL (QoS 2), 62, 0001, 5, 0x82",
      "AUTH, f0, 00, 5, 0x82",
      "reserved type 0, 00, '', 5, 0x81",
      "PINGREQ with a body, c0, 00, 5, 0x81",
      "DISCONNECT trailing bytes, e0, 000000, 5, 0x81",
      "PUBACK short, 40, 01, 5, 0x81",
  })
  void malformed_packets_get_the_right_reason_code(String what, String header, String body, int version,
      String code) {
    byte[] bytes = HexFormat.of().parseHex(body.replace(" ", ""));
    int h = Integer.parseInt(header, 16);
    assertThatThrownBy(() -> PacketDecoder.decode(h, bytes, version))
        .as(what)
        .isInstanceOfSatisfying(MalformedPacketException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(Integer.decode(code)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "MQTT 3.1 (MQIsdp), 00064d514973647003, 3, 0x84",
      "MQTT level 6, 00044d51545406, 6, 0x84",
      "reserved connect flag, 00044d5154540501, 5, 0x81",
      "will QoS 3, 00044d515454051c, 5, 0x81",
      "will retain without will, 00044d5154540520, 5, 0x81",
      "3.1.1 password without user, 00044d5154540440000000000000, 4, 0x81",
      "auth data without method, 00044d51545405000000041600010000, 5, 0x82",
  })
  void a_bad_connect_reports_its_protocol_version(String what, String body, int version, String code) {
    byte[] bytes = HexFormat.of().parseHex(body);
    assertThatThrownBy(() -> PacketDecoder.decode(0x10, bytes, 0))
        .as(what)
        .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
          assertThat(e.reasonCode()).isEqualTo(Integer.decode(code));
          assertThat(e.protocolVersion()).isEqualTo(version);
        });
  }

  @org.junit.jupiter.api.Test
  void payload_format_indicator_is_checked_against_the_payload() {
    MessageProperties utf8 = MessageProperties.builder().payloadIsUtf8(true).build();
    assertThat(PacketDecoder.payloadMatchesFormat("héllo".getBytes(StandardCharsets.UTF_8), utf8)).isTrue();
    assertThat(PacketDecoder.payloadMatchesFormat(new byte[] {(byte) 0xC3}, utf8)).isFalse();
    assertThat(PacketDecoder.payloadMatchesFormat(new byte[] {(byte) 0xC3}, MessageProperties.NONE)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"0x88, 0x80", "0x85, 0x80", "0x84, 0x80", "0x8B, 0x8B", "0x8E, 0x8E", "0x8D, 0x8D"})
  void a_disconnect_never_carries_a_connack_only_reason_code(String code, String sent) {
    int in = Integer.decode(code);
    assertThat(ReasonCodes.forDisconnect(in)).isEqualTo(Integer.decode(sent));
    byte[] wire = PacketEncoder.encode(new Disconnect(ReasonCodes.forDisconnect(in), null, null), Packet.V5);
    assertThat(wire[2] & 0xFF).isEqualTo(Integer.decode(sent));
  }
}
