package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thingbridge.transfer.model.StreamBlock;
import dev.thingbridge.twin.streams.StreamWire;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random bytes into the device's stream decoders (data, description, rejection; CBOR and JSON): the only exception
 * allowed is {@link StreamDecodeException}, and a decoded block is self-consistent. Runs the seeds and a fixed-seed
 * mutation sweep of real messages in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class StreamCodecFuzzTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  @FuzzTest(maxDuration = "60s")
  void stream_replies_never_escape_the_decode_exception(byte[] input) {
    check(input);
  }

  static void check(byte[] input) {
    for (StreamFormat f : StreamFormat.values()) {
      try {
        StreamBlock b = StreamCodec.decodeBlock(input, f);
        assertThat(b.fileId()).isBetween(0, 255);
        assertThat(b.blockId()).isNotNegative();
        assertThat(b.payload()).isNotNull();
      } catch (StreamDecodeException expected) {
        // refused, as it should be
      }
      try {
        StreamCodec.decodeDescription(input, f).files()
            .forEach(file -> assertThat(file.size()).isNotNegative());
      } catch (StreamDecodeException expected) {
        // refused
      }
      try {
        assertThat(StreamCodec.decodeError(input, f).code()).isNotNull();
      } catch (StreamDecodeException expected) {
        // refused
      }
    }
  }

  private static List<byte[]> seeds() {
    List<byte[]> s = new ArrayList<>();
    s.add(HEX.parseHex("a4 61 66 00 61 69 03 61 6c 04 61 70 44 de ad be ef"));
    s.add(HEX.parseHex("bf 61 66 00 61 69 00 61 6c 19 04 00 61 70 59 00 04 01 02 03 04 ff"));
    s.add(StreamWire.data(StreamWire.Format.CBOR, "tok", 2, 5, 77, new byte[] {1, 2, 3, 4, 5}));
    s.add(StreamWire.data(StreamWire.Format.JSON, "tok", 2, 5, 77, new byte[] {1, 2, 3, 4, 5}));
    s.add(StreamWire.description(StreamWire.Format.CBOR, "c", 1, "d", List.of(new long[] {0, 100}, new long[] {1, 5})));
    s.add(StreamWire.error(StreamWire.Format.CBOR, "ResourceNotFound", "no", "c"));
    s.add("{\"r\":[{\"f\":1,\"z\":2}],\"s\":1}".getBytes());
    return s;
  }

  @Test
  void the_twins_messages_decode_to_what_it_sent() {
    StreamBlock b = StreamCodec.decodeBlock(StreamWire.data(StreamWire.Format.CBOR, "tok", 2, 5, 77,
        new byte[] {1, 2, 3, 4, 5}), StreamFormat.CBOR);
    assertThat(b).isEqualTo(new StreamBlock("tok", 2, 5, 77, new byte[] {1, 2, 3, 4, 5}));
    assertThat(StreamCodec.decodeBlock(StreamWire.data(StreamWire.Format.JSON, null, 0, 1, 1, new byte[] {9}),
        StreamFormat.JSON)).isEqualTo(new StreamBlock(null, 0, 1, 1, new byte[] {9}));
  }

  @Test
  void fixed_seed_mutations_of_real_messages_never_escape_the_decode_exception() {
    List<byte[]> seeds = seeds();
    Random random = new Random(20260101L);
    for (int i = 0; i < 3000; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        switch (random.nextInt(3)) {
          case 0 -> m[random.nextInt(m.length)] = (byte) random.nextInt(256);
          case 1 -> m = java.util.Arrays.copyOf(m, random.nextInt(m.length + 1));
          default -> {
            byte[] longer = java.util.Arrays.copyOf(m, m.length + 1 + random.nextInt(8));
            for (int k = m.length; k < longer.length; k++) {
              longer[k] = (byte) random.nextInt(256);
            }
            m = longer;
          }
        }
        if (m.length == 0) {
          break;
        }
      }
      check(m);
    }
  }
}
