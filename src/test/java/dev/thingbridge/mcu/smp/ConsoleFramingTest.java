package dev.thingbridge.mcu.smp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsoleFramingTest {
  private final ConsoleFraming framing = new ConsoleFraming();

  private static byte[] message(int bodySize, int seq) {
    byte[] data = new byte[bodySize];
    new Random(seq).nextBytes(data);
    return new SmpMessage(SmpHeader.request(1, SmpOp.WRITE, 1, 1, seq), SmpCbor.encode(Map.of("data", data))).toBytes();
  }

  private static List<byte[]> feedOneByteAtATime(SmpFrameDecoder d, byte[] wire) {
    List<byte[]> out = new ArrayList<>();
    for (byte b : wire) {
      d.feed(new byte[] {b}, 0, 1, out::add);
    }
    return out;
  }

  @Test
  void every_line_fits_127_bytes_and_large_messages_round_trip_one_byte_at_a_time() {
    for (int size : new int[] {0, 1, 80, 93, 94, 350, 990, 2000}) {
      byte[] msg = message(size, size & 0xFF);
      byte[] wire = framing.encode(msg);
      int lineStart = 0;
      for (int i = 0; i < wire.length; i++) {
        if (wire[i] == '\n') {
          assertThat(i - lineStart + 1).isLessThanOrEqualTo(127);
          lineStart = i + 1;
        }
      }
      assertThat(framing.wireSize(msg.length)).isEqualTo(wire.length);
      assertThat(feedOneByteAtATime(framing.newDecoder(8192), wire)).singleElement().isEqualTo(msg);
    }
  }

  @Test
  void log_lines_carriage_returns_and_prompts_between_and_inside_frames_are_skipped() {
    byte[] msg = message(300, 7);
    String wire = new String(framing.encode(msg), StandardCharsets.ISO_8859_1);
    String[] lines = wire.split("\n");
    StringBuilder noisy = new StringBuilder("\r\n[00:00:01.234,000] <inf> app: booting\r\nuart:~$ ");
    for (String l : lines) {
      noisy.append(l).append("\r\n").append("[00:00:01.240,000] <dbg> app: tick\r\n");
    }
    List<byte[]> out = new ArrayList<>();
    byte[] bytes = noisy.toString().getBytes(StandardCharsets.ISO_8859_1);
    framing.newDecoder(8192).feed(bytes, 0, bytes.length, out::add);
    assertThat(out).singleElement().isEqualTo(msg);
  }

  @Test
  void a_start_marker_restarts_reassembly_after_a_truncated_frame() {
    byte[] first = framing.encode(message(400, 1));
    byte[] second = message(400, 2);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.write(first, 0, 130); // first line and part of the next, then the line is cut by a newline
    wire.write('\n');
    wire.writeBytes(framing.encode(second));
    SmpFrameDecoder d = framing.newDecoder(8192);
    List<byte[]> out = feedOneByteAtATime(d, wire.toByteArray());
    assertThat(out).singleElement().isEqualTo(second);
    assertThat(d.dropped()).isEqualTo(1); // the cut line is bad base64: the first frame is dropped once
  }

  @Test
  void a_flipped_bit_fails_the_crc_and_the_frame_is_dropped_silently() {
    byte[] msg = message(50, 3);
    byte[] wire = framing.encode(msg);
    // Flip a bit inside the base64 text such that it stays valid base64 but changes the data.
    wire[10] = (byte) (wire[10] == 'A' ? 'B' : 'A');
    SmpFrameDecoder d = framing.newDecoder(8192);
    assertThat(feedOneByteAtATime(d, wire)).isEmpty();
    assertThat(d.dropped()).isEqualTo(1);
    assertThat(feedOneByteAtATime(d, framing.encode(msg))).singleElement().isEqualTo(msg);
  }

  @Test
  void a_line_longer_than_the_receivers_line_buffer_loses_its_frame() {
    byte[] msg = message(200, 4);
    byte[] longLines = new ConsoleFraming(200).encode(msg);
    SmpFrameDecoder device = framing.newDecoder(1024, 128);
    assertThat(feedOneByteAtATime(device, longLines)).isEmpty();
    assertThat(device.dropped()).isGreaterThanOrEqualTo(1);
    // A 128-byte line (127 characters and the newline) still fits a 128-byte buffer.
    assertThat(feedOneByteAtATime(framing.newDecoder(1024, 128), new ConsoleFraming(128).encode(msg)))
        .singleElement().isEqualTo(msg);
  }

  @Test
  void a_frame_larger_than_the_device_buffer_is_dropped() {
    byte[] msg = message(400, 5);
    SmpFrameDecoder d = framing.newDecoder(384);
    assertThat(feedOneByteAtATime(d, framing.encode(msg))).isEmpty();
    assertThat(d.dropped()).isEqualTo(1);
    assertThat(framing.maxMessageSize(384)).isEqualTo(380);
  }

  @Test
  void lines_cut_early_so_the_crc_is_not_split_still_decode() {
    // Zephyr's encoder may end a line before the 124th character; decode line by line, never assume 124.
    byte[] msg = message(120, 6);
    byte[] packet = new byte[msg.length + 4];
    packet[0] = (byte) ((msg.length + 2) >>> 8);
    packet[1] = (byte) (msg.length + 2);
    System.arraycopy(msg, 0, packet, 2, msg.length);
    int crc = Crc16Xmodem.compute(msg, 0, msg.length);
    packet[packet.length - 2] = (byte) (crc >>> 8);
    packet[packet.length - 1] = (byte) crc;
    int cut = (packet.length - 2) / 3 * 3; // data up to before the CRC, in whole 3-byte groups
    String a = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(packet, 0, cut));
    String b = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(packet, cut, packet.length));
    String wire = "\u0006\u0009" + a.substring(0, 60) + "\n\u0004\u0014" + a.substring(60) + "\n\u0004\u0014" + b + "\n";
    List<byte[]> out = feedOneByteAtATime(framing.newDecoder(8192), wire.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(out).singleElement().isEqualTo(msg);
  }

  @Test
  void padding_inside_a_line_other_than_the_last_is_bad_base64_and_drops_the_frame() {
    String wire = "\u0006\u0009AA8=\n\u0004\u0014AAAA\n";
    SmpFrameDecoder d = framing.newDecoder(8192);
    List<byte[]> out = feedOneByteAtATime(d, wire.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(out).isEmpty();
  }

  @Test
  void line_length_below_one_group_is_refused() {
    assertThatThrownBy(() -> new ConsoleFraming(6)).isInstanceOf(IllegalArgumentException.class);
  }
}
