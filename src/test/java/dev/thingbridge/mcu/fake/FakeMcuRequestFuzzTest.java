package dev.thingbridge.mcu.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.FakeMcuRig;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.smp.SmpFormatException;
import dev.thingbridge.mcu.smp.SmpFrameDecoder;
import dev.thingbridge.mcu.smp.SmpHeader;
import dev.thingbridge.mcu.smp.SmpMessage;
import dev.thingbridge.mcu.smp.SmpOp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code thingbridge mcu fake} answers whatever SMP client a user points at it, so its requests are outside input.
 * Requests with random bodies (and random groups, commands, ops and versions) into the running fake over the
 * in-memory link: every request gets a well-formed reply (an answer or an error code, as Zephyr's server gives),
 * and the fake keeps answering afterwards. A fake that threw would stay silent instead. The reset command is left
 * out, because a fake that resets is silent by design for a moment. Runs the seeds and a fixed-seed mutation sweep
 * in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FakeMcuRequestFuzzTest {
  private static final Duration REPLY = Duration.ofSeconds(2);
  private static FakeMcuRig rig;
  private static SmpFrameDecoder decoder;
  private static int sequence;

  @BeforeAll
  static void start() throws Exception {
    rig = new FakeMcuRig(FakeMcuOptions.builder().bufSize(4096).lineBuffer(8192).build(), "fuzz");
    decoder = new ConsoleFraming().newDecoder(0xFFFF + 4);
  }

  @AfterAll
  static void stop() throws Exception {
    rig.close();
  }

  @FuzzTest(maxDuration = "60s")
  void any_request_gets_a_well_formed_reply(byte[] input) throws Exception {
    check(input);
  }

  /** Byte 0: group (0, 1 or another); byte 1: command; byte 2: op and version; the rest: the CBOR body. */
  static void check(byte[] input) throws Exception {
    if (input.length < 3) {
      return;
    }
    int group = (input[0] & 0xFF) % 3 == 2 ? input[0] & 0xFF : (input[0] & 0xFF) % 3;
    int command = input[1] & 0x0F;
    if (group == 0 && command == 5) {
      command = 0;
    }
    SmpOp op = (input[2] & 1) == 0 ? SmpOp.READ : SmpOp.WRITE;
    int version = (input[2] >>> 1) & 0x03;
    byte[] body = Arrays.copyOfRange(input, 3, Math.min(input.length, 3 + 3000));
    int seq = sequence++ & 0xFF;
    SmpMessage request = new SmpMessage(SmpHeader.request(version, op, group, command, seq), body);
    rig.link.write(new ConsoleFraming().encode(request.toBytes()));
    SmpMessage reply = awaitReply(seq);
    assertThat(reply).as("a reply to %s with body %d bytes", request.header(), body.length).isNotNull();
    assertThat(reply.header().op()).isEqualTo(op.response());
    assertThat(reply.header().group()).isEqualTo(group);
    assertThat(reply.header().command()).isEqualTo(command);
    ObjectNode answer = SmpCbor.decode(reply.body());
    assertThat(answer.isObject()).isTrue();
  }

  private static SmpMessage awaitReply(int seq) throws Exception {
    long deadline = System.nanoTime() + REPLY.toNanos();
    ArrayDeque<byte[]> frames = new ArrayDeque<>();
    byte[] buf = new byte[8192];
    while (System.nanoTime() < deadline) {
      int n = rig.link.read(buf, 0, buf.length, Duration.ofMillis(50));
      if (n > 0) {
        decoder.feed(buf, 0, n, frames::add);
      }
      while (!frames.isEmpty()) {
        try {
          SmpMessage m = SmpMessage.parse(frames.poll());
          if (m.header().sequence() == seq) {
            return m;
          }
        } catch (SmpFormatException e) {
          throw new AssertionError("the fake sent a malformed frame", e);
        }
      }
    }
    return null;
  }

  private static byte[] request(int group, int command, int opAndVersion, Map<String, ?> body) {
    byte[] cbor = SmpCbor.encode(body);
    byte[] out = new byte[3 + cbor.length];
    out[0] = (byte) group;
    out[1] = (byte) command;
    out[2] = (byte) opAndVersion;
    System.arraycopy(cbor, 0, out, 3, cbor.length);
    return out;
  }

  private static List<byte[]> seeds() {
    List<byte[]> s = new ArrayList<>();
    s.add(request(0, 0, 3, Map.of("d", "hello")));
    s.add(request(0, 6, 2, Map.of()));
    s.add(request(0, 7, 2, Map.of("format", "a")));
    s.add(request(0, 8, 2, Map.of("query", "mode")));
    s.add(request(1, 0, 2, Map.of()));
    s.add(request(1, 0, 3, Map.of("hash", new byte[32], "confirm", false)));
    s.add(request(1, 0, 3, Map.of("confirm", true)));
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("image", 0);
    first.put("len", 100);
    first.put("off", 0);
    first.put("sha", new byte[32]);
    byte[] header = new byte[40];
    header[0] = 0x3d;
    header[1] = (byte) 0xb8;
    header[2] = (byte) 0xf3;
    header[3] = (byte) 0x96;
    first.put("data", header);
    s.add(request(1, 1, 3, first));
    s.add(request(1, 1, 3, Map.of("off", 40, "data", new byte[60])));
    s.add(request(1, 5, 3, Map.of("slot", 1)));
    s.add(request(1, 6, 2, Map.of()));
    s.add(request(9, 0, 2, Map.of()));
    return s;
  }

  @Test
  void the_seeds_get_their_replies() throws Exception {
    for (byte[] seed : seeds()) {
      check(seed);
    }
  }

  @Test
  void fixed_seed_mutations_of_real_requests_always_get_a_reply() throws Exception {
    List<byte[]> seeds = seeds();
    Random random = new Random(20261207L);
    for (int i = 0; i < 800; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && m.length > 3; e++) {
        switch (random.nextInt(3)) {
          case 0 -> m[3 + random.nextInt(m.length - 3)] = (byte) random.nextInt(256);
          case 1 -> m = Arrays.copyOf(m, 3 + random.nextInt(m.length - 2));
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
