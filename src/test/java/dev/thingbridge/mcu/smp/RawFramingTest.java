package dev.thingbridge.mcu.smp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawFramingTest {
  private final RawFraming raw = new RawFraming();

  @Test
  void messages_are_framed_by_the_header_length_even_back_to_back_and_byte_by_byte() {
    byte[] a = new SmpMessage(SmpHeader.request(1, SmpOp.WRITE, 0, 0, 1), SmpCbor.encode(Map.of("d", "one"))).toBytes();
    byte[] b = new SmpMessage(SmpHeader.request(1, SmpOp.READ, 1, 0, 2), SmpCbor.encode(Map.of())).toBytes();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(raw.encode(a));
    wire.writeBytes(raw.encode(b));
    List<byte[]> out = new ArrayList<>();
    SmpFrameDecoder d = raw.newDecoder(1024);
    for (byte x : wire.toByteArray()) {
      d.feed(new byte[] {x}, 0, 1, out::add);
    }
    assertThat(out).containsExactly(a, b);
  }

  @Test
  void a_partial_message_is_discarded_by_reset_and_junk_before_a_header_is_skipped() {
    byte[] a = new SmpMessage(SmpHeader.request(1, SmpOp.WRITE, 0, 0, 1), SmpCbor.encode(Map.of("d", "x"))).toBytes();
    SmpFrameDecoder d = raw.newDecoder(64);
    List<byte[]> out = new ArrayList<>();
    d.feed(a, 0, 5, out::add);
    assertThat(d.midFrame()).isTrue();
    d.reset();
    byte[] junk = {(byte) 0xE0, (byte) 0xFF};
    d.feed(junk, 0, junk.length, out::add);
    d.feed(a, 0, a.length, out::add);
    assertThat(out).containsExactly(a);
    assertThat(d.dropped()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void the_raw_buffer_holds_header_and_body() {
    assertThat(raw.maxMessageSize(384)).isEqualTo(384);
    assertThat(raw.wireSize(100)).isEqualTo(100);
  }
}
