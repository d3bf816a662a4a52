package dev.thingbridge.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arbitrary bytes through the frame decoder and the packet decoder, as a hostile client would send them.
 * Invariants: the only exception is {@link MalformedPacketException} with an MQTT 5 error reason code (0x80
 * and above); no frame is ever larger than the maximum packet size; every packet that decodes re-encodes
 * to bytes that decode to the same encoding again (nothing is lost or invented between wire and model).
 */
class PacketDecoderFuzzTest {
  private static final int MAX_PACKET = 4096;

  @FuzzTest(maxDuration = "30s")
  void any_bytes_decode_or_fail_with_a_reason_code(FuzzedDataProvider data) {
    int version = data.consumeBoolean() ? Packet.V5 : Packet.V311;
    check(data.consumeRemainingAsBytes(), version);
  }

  /** Seeded random streams, mutated from valid packets so that the decoder gets past the first byte. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234567})
  void seeded_mutations_of_valid_packets_decode_or_fail_with_a_reason_code(long seed) {
    Random random = new Random(seed);
    List<byte[]> valid = new ArrayList<>();
    for (Packet p : PacketCodecTest.samples()) {
      valid.add(PacketEncoder.encode(p, Packet.V5));
    }
    for (int i = 0; i < 3000; i++) {
      byte[] base = valid.get(random.nextInt(valid.size()));
      byte[] mutated = base.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      check(mutated, random.nextBoolean() ? Packet.V5 : Packet.V311);
    }
  }

  private static void check(byte[] stream, int version) {
    FrameDecoder frames = new FrameDecoder(MAX_PACKET);
    ByteBuffer in = ByteBuffer.wrap(stream);
    try {
      FrameDecoder.Frame f;
      while ((f = frames.next(in)) != null) {
        assertThat(f.body().length).isLessThan(MAX_PACKET);
        Packet p;
        try {
          p = PacketDecoder.decode(f.header(), f.body(), version);
        } catch (MalformedPacketException e) {
          assertThat(e.reasonCode()).isGreaterThanOrEqualTo(0x80);
          continue;
        }
        int v = p instanceof Packet.Connect c ? c.protocolVersion() : version;
        byte[] once = PacketEncoder.encode(p, v);
        FrameDecoder.Frame again = new FrameDecoder(Integer.MAX_VALUE).next(ByteBuffer.wrap(once));
        Packet back = PacketDecoder.decode(again.header(), again.body(), v);
        assertThat(PacketEncoder.encode(back, v)).isEqualTo(once);
      }
    } catch (MalformedPacketException e) {
      assertThat(e.reasonCode()).isIn(ReasonCodes.MALFORMED_PACKET, ReasonCodes.PACKET_TOO_LARGE);
    }
  }
}
