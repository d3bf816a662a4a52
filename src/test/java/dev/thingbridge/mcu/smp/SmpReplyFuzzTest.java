package dev.thingbridge.mcu.smp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.McuErrorResponseException;
import dev.thingbridge.mcu.McuException;
import dev.thingbridge.mcu.McuMgr;
import dev.thingbridge.mcu.McuProtocolException;
import dev.thingbridge.mcu.McuTimeoutException;
import dev.thingbridge.mcu.SmpClient;
import dev.thingbridge.mcu.serial.LineControl;
import dev.thingbridge.mcu.serial.SerialLink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the gateway reads from a serial port is outside input. Random bytes into both frame decoders, and every
 * frame on through {@link SmpMessage#parse}, {@link SmpCbor#decode}, {@link SmpError#from} and the image state
 * parser: the only exceptions allowed are {@link SmpFormatException} and {@link McuProtocolException}. Random reply
 * bodies, framed correctly and matching the request, into every typed {@link McuMgr} command: each returns a value
 * or fails with an {@link McuException}, never anything else. Runs the seeds and a fixed-seed mutation sweep in
 * {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SmpReplyFuzzTest {
  private static final HexFormat HEX = HexFormat.of();

  @FuzzTest(maxDuration = "60s")
  void serial_bytes_never_escape_the_format_errors(byte[] input) {
    checkWire(input);
  }

  @FuzzTest(maxDuration = "60s")
  void reply_bodies_become_typed_values_or_mcu_exceptions(byte[] input) {
    checkBody(input);
  }

  static void checkWire(byte[] input) {
    List<byte[]> frames = new ArrayList<>();
    for (SmpFraming framing : List.of(new ConsoleFraming(), new RawFraming())) {
      SmpFrameDecoder decoder = framing.newDecoder(0xFFFF + 4);
      // In odd-sized bursts, as a USB-serial adapter delivers them.
      for (int i = 0; i < input.length; i += 7) {
        decoder.feed(input, i, Math.min(7, input.length - i), frames::add);
      }
      assertThat(decoder.dropped()).isNotNegative();
    }
    for (byte[] frame : frames) {
      try {
        SmpMessage m = SmpMessage.parse(frame);
        assertThat(m.bodyLength()).isEqualTo(m.header().length());
        checkDecodedBody(m.body(), m.header().group());
      } catch (SmpFormatException refused) {
        assertThat(refused.getMessage()).isNotBlank();
      }
    }
    checkDecodedBody(input, 1);
  }

  private static void checkDecodedBody(byte[] body, int group) {
    ObjectNode node;
    try {
      node = SmpCbor.decode(body);
    } catch (SmpFormatException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    SmpError.from(node, group).ifPresent(e -> assertThat(e.toString()).isNotBlank());
    try {
      McuMgr.state(node).slots().forEach(s -> assertThat(s.toString()).isNotBlank());
    } catch (McuProtocolException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  static void checkBody(byte[] body) {
    ScriptedDevice device = new ScriptedDevice(body);
    McuMgr mgr = new McuMgr(new SmpClient(device, new ConsoleFraming()));
    Duration t = Duration.ofMillis(1);
    List<Call> calls = List.of(
        () -> mgr.echo("hi", t, 1),
        () -> {
          mgr.reset(false, null, t, 1);
          return null;
        },
        () -> mgr.params(t, 1),
        () -> mgr.osInfo("a", t, 1),
        () -> mgr.bootloaderInfo(t, 1),
        () -> mgr.imageState(t, 1),
        () -> mgr.test(new byte[32], t, 1),
        () -> mgr.confirm(null, t, 1),
        () -> mgr.upload(Map.of("off", 0, "data", new byte[8]), t, 1, "upload"),
        () -> {
          mgr.erase(null, t, 1);
          return null;
        });
    for (Call call : calls) {
      try {
        Object value = call.run();
        if (value instanceof UploadReply r) {
          assertThat(r.offset()).isNotNegative();
        }
      } catch (McuException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (IOException e) {
        throw new AssertionError("the scripted link does not fail", e);
      }
    }
  }

  @FunctionalInterface
  private interface Call {
    Object run() throws IOException;
  }

  /**
   * A device that answers every request with the same body, framed in console framing under the request's header
   * (response op, same group, command and sequence): the reply always matches, so the body alone decides.
   */
  private static final class ScriptedDevice implements SerialLink {
    private final byte[] body;
    private final SmpFrameDecoder requests = new ConsoleFraming().newDecoder(4096);
    private final ArrayDeque<byte[]> replies = new ArrayDeque<>();

    ScriptedDevice(byte[] body) {
      this.body = body.length > 0xFFFF ? Arrays.copyOf(body, 0xFFFF) : body;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) {
      byte[] r = replies.poll();
      if (r == null) {
        return 0;
      }
      if (r.length > length) {
        replies.addFirst(Arrays.copyOfRange(r, length, r.length));
      }
      int n = Math.min(length, r.length);
      System.arraycopy(r, 0, buffer, offset, n);
      return n;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
      requests.feed(data, offset, length, frame -> {
        try {
          SmpHeader h = SmpMessage.parse(frame).header();
          SmpHeader rh = new SmpHeader(h.version(), h.op().response(), 0, 0, h.group(), h.sequence(), h.command());
          replies.add(new ConsoleFraming().encode(new SmpMessage(rh, body).toBytes()));
        } catch (SmpFormatException e) {
          throw new AssertionError("the client sent a malformed request", e);
        }
      });
    }

    @Override
    public void discardInput() {
      replies.clear();
    }

    @Override
    public Optional<LineControl> lineControl() {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  private static List<byte[]> seeds() {
    ConsoleFraming console = new ConsoleFraming();
    List<byte[]> s = new ArrayList<>();
    Map<String, Object> slot = new LinkedHashMap<>();
    slot.put("slot", 0);
    slot.put("version", "1.2.3");
    slot.put("hash", new byte[32]);
    slot.put("bootable", true);
    slot.put("confirmed", true);
    slot.put("active", true);
    s.add(SmpCbor.encode(Map.of("images", List.of(slot), "splitStatus", 0), false));
    s.add(SmpCbor.encode(Map.of("off", 4096)));
    s.add(SmpCbor.encode(Map.of("off", 8192, "match", true), false));
    s.add(SmpCbor.encode(Map.of("buf_size", 384, "buf_count", 4)));
    s.add(SmpCbor.encode(Map.of("r", "hi")));
    s.add(SmpCbor.encode(Map.of("output", "Zephyr smp_svr 3.7.0")));
    s.add(SmpCbor.encode(Map.of("bootloader", "MCUboot")));
    s.add(SmpCbor.encode(Map.of("mode", 1, "no-downgrade", true)));
    s.add(SmpCbor.encode(Map.of("rc", 8)));
    s.add(SmpCbor.encode(Map.of("rc", 0, "off", 512)));
    s.add(SmpCbor.encode(Map.of("err", Map.of("group", 1, "rc", 9))));
    s.add(HEX.parseHex("bf6272630bff"));
    byte[] reply = new SmpMessage(new SmpHeader(1, SmpOp.WRITE_RESPONSE, 0, 0, 1, 7, 1),
        SmpCbor.encode(Map.of("off", 4096))).toBytes();
    s.add(reply);
    s.add(console.encode(reply));
    byte[] log = "\r\n[00:00:01.234,000] <inf> app: hello\r\nuart:~$ ".getBytes(StandardCharsets.US_ASCII);
    byte[] both = Arrays.copyOf(log, log.length + console.encode(reply).length);
    System.arraycopy(console.encode(reply), 0, both, log.length, console.encode(reply).length);
    s.add(both);
    return s;
  }

  @Test
  void a_well_formed_state_reply_decodes_and_a_mistyped_one_is_a_protocol_error() throws Exception {
    ObjectNode good = SmpCbor.decode(seeds().get(0));
    assertThat(McuMgr.state(good).active()).hasValueSatisfying(a -> assertThat(a.version()).isEqualTo("1.2.3"));
    ObjectNode textHash = SmpCbor.decode(SmpCbor.encode(Map.of("images", List.of(Map.of("slot", 0, "hash", "ab")))));
    assertThatThrownBy(() -> McuMgr.state(textHash)).isInstanceOf(McuProtocolException.class)
        .hasMessageContaining("binary hash");
  }

  @Test
  void a_reply_without_its_required_field_is_a_protocol_error_and_an_error_reply_is_typed() {
    McuMgr noOffset = new McuMgr(new SmpClient(new ScriptedDevice(SmpCbor.encode(Map.of("x", 1))),
        new ConsoleFraming()));
    assertThatThrownBy(() -> noOffset.upload(Map.of("off", 0, "data", new byte[8]), Duration.ofMillis(50), 1, "chunk"))
        .isInstanceOf(McuProtocolException.class).hasMessageContaining("offset");
    McuMgr refused = new McuMgr(new SmpClient(new ScriptedDevice(SmpCbor.encode(Map.of("err",
        Map.of("group", 1, "rc", 9)))), new ConsoleFraming()));
    assertThatThrownBy(() -> refused.imageState(Duration.ofMillis(50), 1))
        .isInstanceOfSatisfying(McuErrorResponseException.class,
            e -> assertThat(e.error().imageError()).contains(ImageMgmtError.NO_FREE_SLOT));
    McuMgr garbage = new McuMgr(new SmpClient(new ScriptedDevice(new byte[] {(byte) 0xff}), new ConsoleFraming()));
    assertThatThrownBy(() -> garbage.echo("x", Duration.ofMillis(20), 2)).isInstanceOf(McuTimeoutException.class);
  }

  @Test
  void fixed_seed_mutations_of_real_replies_never_escape_the_typed_errors() {
    List<byte[]> seeds = seeds();
    Random random = new Random(20261207L);
    for (int i = 0; i < 2000; i++) {
      byte[] m = mutate(seeds.get(random.nextInt(seeds.size())), random);
      checkWire(m);
      if (i % 10 == 0) {
        checkBody(m);
      }
    }
  }

  static byte[] mutate(byte[] seed, Random random) {
    byte[] m = seed.clone();
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
    return m;
  }
}
