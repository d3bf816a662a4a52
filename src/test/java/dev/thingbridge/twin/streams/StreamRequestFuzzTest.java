package dev.thingbridge.twin.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random bytes as a device's GetStream request (CBOR and JSON) into the twin's decoder and its check against a
 * stream: the request is refused with one of AWS's codes (never {@code InternalError}, never another exception),
 * or planned within the limits: blocks inside the file, in order, without repeats, at most 128 KiB in all. Runs the
 * seeds and a fixed-seed mutation sweep in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class StreamRequestFuzzTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
  private static final Set<String> CODES = Set.of("InvalidRequest", "VersionMismatch", "ResourceNotFound",
      "BlockSizeOutOfBounds", "OffsetOutOfBounds", "BlockCountLimitExceeded", "BlockBitmapLimitExceeded");
  private static final int FILE_SIZE = 300_000;
  private static final StreamDefinition STREAM = StreamDefinition.of("fuzz", "d",
      List.of(new StreamFile(0, FileSource.of(new byte[FILE_SIZE]), null),
          new StreamFile(7, FileSource.of(new byte[1]), null)));

  @FuzzTest(maxDuration = "30s")
  void any_request_is_planned_within_the_limits_or_refused_with_a_documented_code(byte[] input) {
    check(input);
  }

  static void check(byte[] input) {
    for (StreamWire.Format format : StreamWire.Format.values()) {
      JsonNode request;
      try {
        request = StreamWire.decode(input, format);
      } catch (StreamWire.DecodeException refused) {
        continue;
      }
      try {
        GetStreamPlan plan = GetStreamPlan.of(request, STREAM);
        long size = plan.file().fileId() == 0 ? FILE_SIZE : 1;
        long totalBlocks = (size + plan.blockSize() - 1) / plan.blockSize();
        assertThat(plan.blockSize()).isBetween(256, 131_072);
        assertThat(plan.blocks()).allSatisfy(id -> assertThat(id).isBetween(0L, totalBlocks - 1))
            .isSorted().doesNotHaveDuplicates();
        assertThat((long) plan.blocks().size() * plan.blockSize()).isLessThanOrEqualTo(128 * 1024);
      } catch (GetStreamPlan.Rejection r) {
        assertThat(r.code()).isIn(CODES);
        assertThat(r.getMessage()).isNotBlank();
      }
    }
  }

  private static List<byte[]> seeds() {
    List<byte[]> s = new ArrayList<>();
    // {"c":"token","f":0,"l":256,"o":0,"b":<4-byte bitmap>,"n":1} in CBOR, as a device sends it
    s.add(HEX.parseHex("a6 61 63 65 74 6f 6b 65 6e 61 66 00 61 6c 19 01 00 61 6f 00 61 62 44 ff ff ff 7f 61 6e 01"));
    s.add(HEX.parseHex("bf 61 66 00 61 6c 19 10 00 61 6f 01 61 6e 10 ff"));
    s.add("{\"c\":\"t\",\"s\":1,\"f\":0,\"l\":4096,\"o\":2,\"b\":\"0xffff7f\"}".getBytes(StandardCharsets.UTF_8));
    s.add("{\"f\":7,\"l\":256,\"n\":98304}".getBytes(StandardCharsets.UTF_8));
    s.add("{\"f\":0,\"l\":131072,\"o\":98304,\"n\":0}".getBytes(StandardCharsets.UTF_8));
    return s;
  }

  @Test
  void fixed_seed_mutations_of_real_requests_are_planned_or_refused_by_the_rules() {
    List<byte[]> seeds = seeds();
    seeds.forEach(StreamRequestFuzzTest::check);
    Random random = new Random(20261207L);
    for (int i = 0; i < 2000; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && m.length > 0; e++) {
        switch (random.nextInt(3)) {
          case 0 -> m[random.nextInt(m.length)] = (byte) random.nextInt(256);
          case 1 -> m = Arrays.copyOf(m, random.nextInt(m.length + 1));
          default -> {
            byte[] longer = Arrays.copyOf(m, m.length + 1 + random.nextInt(8));
            for (int k = m.length; k < longer.length; k++) {
              longer[k] = (byte) random.nextInt(256);
            }
            m = longer;
          }
        }
      }
      check(m);
    }
  }
}
