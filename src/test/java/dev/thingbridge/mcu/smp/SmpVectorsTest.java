package dev.thingbridge.mcu.smp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The byte-exact vectors of serial-bridge.md §1.8, each checked in both directions where it has two. */
class SmpVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private final ConsoleFraming console = new ConsoleFraming();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static byte[] line(String first, String... continuations) {
    StringBuilder sb = new StringBuilder();
    sb.append("\u0006\u0009").append(first).append('\n');
    for (String c : continuations) {
      sb.append("\u0004\u0014").append(c).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private List<byte[]> decode(byte[] wire) {
    List<byte[]> out = new ArrayList<>();
    console.newDecoder(4096).feed(wire, 0, wire.length, out::add);
    return out;
  }

  private static SmpMessage request(int version, SmpOp op, int group, int cmd, int seq, Map<String, ?> body) {
    return new SmpMessage(SmpHeader.request(version, op, group, cmd, seq), SmpCbor.encode(body));
  }

  @Test
  void vector1_crc16_xmodem_check_value() {
    byte[] s = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(Crc16Xmodem.compute(s, 0, s.length)).isEqualTo(0x31C3);
  }

  @Test
  void vector2_framing_of_plain_text_in_one_line_and_in_lines_of_eight() {
    byte[] payload = "Hello, world!".getBytes(StandardCharsets.US_ASCII);
    assertThat(console.encode(payload)).isEqualTo(line("AA9IZWxsbywgd29ybGQhet4="));
    assertThat(new ConsoleFraming(8).encode(payload))
        .isEqualTo(line("AA9I", "ZWxs", "bywg", "d29y", "bGQh", "et4="));
    assertThat(decode(line("AA9I", "ZWxs", "bywg", "d29y", "bGQh", "et4="))).singleElement().isEqualTo(payload);
  }

  @Test
  void vector3_echo_request() {
    SmpMessage m = request(1, SmpOp.WRITE, 0, 0, 139, Map.of("d", "Hello world!"));
    assertThat(m.toBytes()).isEqualTo(hex("0a00001000008b00 a161646c48656c6c6f20776f726c6421"));
    byte[] wire = console.encode(m.toBytes());
    assertThat(wire).isEqualTo(hex(
        "060941426f4b414141514141434c414b46685a4778495a5778736279423362334a735a43477145513d3d0a"));
    assertThat(wire).hasSize(43);
    assertThat(Crc16Xmodem.compute(m.toBytes(), 0, m.toBytes().length)).isEqualTo(0xAA11);
  }

  @Test
  void vector4_echo_response_definite_and_indefinite_both_decode() throws Exception {
    byte[] definite = hex("0b00001000008b00 a161726c48656c6c6f20776f726c6421");
    byte[] indefinite = hex("0b00001100008b00 bf61726c48656c6c6f20776f726c6421ff");
    assertThat(console.encode(definite)).isEqualTo(line("ABoLAAAQAACLAKFhcmxIZWxsbyB3b3JsZCFQgg=="));
    assertThat(console.encode(indefinite)).isEqualTo(line("ABsLAAARAACLAL9hcmxIZWxsbyB3b3JsZCH/UIA="));
    for (byte[] wire : List.of(line("ABoLAAAQAACLAKFhcmxIZWxsbyB3b3JsZCFQgg=="),
        line("ABsLAAARAACLAL9hcmxIZWxsbyB3b3JsZCH/UIA="))) {
      SmpMessage m = SmpMessage.parse(decode(wire).get(0));
      assertThat(m.header().op()).isEqualTo(SmpOp.WRITE_RESPONSE);
      assertThat(m.header().sequence()).isEqualTo(139);
      assertThat(SmpCbor.decode(m.body()).get("r").asText()).isEqualTo("Hello world!");
    }
    // The fake MCU's default (non-canonical zcbor) encoding is exactly the indefinite form.
    assertThat(SmpCbor.encode(Map.of("r", "Hello world!"), false)).isEqualTo(hex("bf61726c48656c6c6f20776f726c6421ff"));
  }

  @Test
  void vector5_image_state_read_request() {
    SmpMessage m = request(1, SmpOp.READ, 1, 0, 13, Map.of());
    assertThat(m.toBytes()).isEqualTo(hex("0800000100010d00a0"));
    assertThat(console.encode(m.toBytes())).isEqualTo(line("AAsIAAABAAENAKDtUA=="));
  }

  @Test
  void vector6_reset_request_and_response() throws Exception {
    SmpMessage m = request(1, SmpOp.WRITE, 0, 5, 141, Map.of());
    assertThat(m.toBytes()).isEqualTo(hex("0a00000100008d05a0"));
    assertThat(console.encode(m.toBytes())).isEqualTo(line("AAsKAAABAACNBaCZLA=="));
    SmpMessage r = SmpMessage.parse(hex("0b00000100008e05a0"));
    assertThat(r.header()).isEqualTo(new SmpHeader(1, SmpOp.WRITE_RESPONSE, 0, 1, 0, 142, 5));
    assertThat(SmpCbor.decode(r.body()).size()).isZero();
  }

  @Test
  void vector7_image_erase_request() {
    assertThat(request(1, SmpOp.WRITE, 1, 5, 15, Map.of("slot", 0)).toBytes())
        .isEqualTo(hex("0a00000700010f05a164736c6f7400"));
  }

  @Test
  void vector8_params_request_and_response() throws Exception {
    assertThat(request(1, SmpOp.READ, 0, 6, 151, Map.of()).toBytes()).isEqualTo(hex("0800000100009706a0"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("buf_size", 1);
    body.put("buf_count", 2);
    byte[] reply = hex("0900001600009806a2686275665f73697a6501696275665f636f756e7402");
    assertThat(new SmpMessage(new SmpHeader(1, SmpOp.READ_RESPONSE, 0, 0, 0, 152, 6), SmpCbor.encode(body)).toBytes())
        .isEqualTo(reply);
    ObjectNode decoded = SmpCbor.decode(SmpMessage.parse(reply).body());
    assertThat(decoded.get("buf_size").asInt()).isEqualTo(1);
    assertThat(decoded.get("buf_count").asInt()).isEqualTo(2);
  }

  @Test
  void vector9_upload_responses() throws Exception {
    assertThat(SmpCbor.decode(SmpMessage.parse(hex("0b00000600011501a1636f666600")).body()).get("off").asInt()).isZero();
    assertThat(SmpCbor.decode(SmpMessage.parse(hex("0b00000600011601a1636f666601")).body()).get("off").asInt()).isOne();
    assertThat(new SmpMessage(new SmpHeader(1, SmpOp.WRITE_RESPONSE, 0, 0, 1, 0x16, 1), SmpCbor.encode(Map.of("off", 1)))
        .toBytes()).isEqualTo(hex("0b00000600011601a1636f666601"));
  }

  @Test
  void vector10_multi_line_upload_request() throws Exception {
    byte[] data = new byte[64];
    for (int i = 0; i < 64; i++) {
      data[i] = (byte) i;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("len", 13);
    body.put("off", 42);
    body.put("sha", "trust me bro".getBytes(StandardCharsets.US_ASCII));
    body.put("data", data);
    body.put("image", 0);
    body.put("upgrade", false);
    SmpMessage m = request(1, SmpOp.WRITE, 1, 1, 0x9a, body);
    byte[] expected = hex("0a00007400019a01"
        + "a6636c656e0d636f6666182a637368614c7472757374206d652062726f64646174615840"
        + HEX.formatHex(data) + "65696d616765006775706772616465f4");
    assertThat(m.toBytes()).isEqualTo(expected);
    assertThat(Crc16Xmodem.compute(expected, 0, expected.length)).isEqualTo(0xAB88);
    byte[] wire = console.encode(m.toBytes());
    byte[] lines = line(
        "AH4KAAB0AAGaAaZjbGVuDWNvZmYYKmNzaGFMdHJ1c3QgbWUgYnJvZGRhdGFYQAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0u",
        "LzAxMjM0NTY3ODk6Ozw9Pj9laW1hZ2UAZ3VwZ3JhZGX0q4g=");
    assertThat(wire).isEqualTo(lines);
    assertThat(indexOf(wire, (byte) '\n')).isEqualTo(126); // first line: 127 bytes with its newline
    assertThat(wire.length - 127).isEqualTo(51);
    assertThat(console.wireSize(m.toBytes().length)).isEqualTo(wire.length);
    assertThat(decode(wire)).singleElement().isEqualTo(expected);
  }

  @Test
  void vector11_error_shapes() throws Exception {
    byte[] v2 = hex("0b00001100012a01 a163657272a26567726f75700162726309");
    assertThat(console.encode(v2)).isEqualTo(line("ABsLAAARAAEqAaFjZXJyomVncm91cAFicmMJjxQ="));
    SmpError noFreeSlot = SmpError.from(SmpCbor.decode(SmpMessage.parse(v2).body()), 1).orElseThrow();
    assertThat(noFreeSlot.groupError()).isTrue();
    assertThat(noFreeSlot.imageError()).contains(ImageMgmtError.NO_FREE_SLOT);
    assertThat(noFreeSlot.toString()).contains("NO_FREE_SLOT");

    byte[] v1 = hex("0300000500010703 a162726308");
    assertThat(console.encode(v1)).isEqualTo(line("AA8DAAAFAAEHA6FicmMIwDQ="));
    SmpMessage v1m = SmpMessage.parse(v1);
    assertThat(v1m.header().version()).isEqualTo(SmpHeader.V1);
    SmpError notSup = SmpError.from(SmpCbor.decode(v1m.body()), 1).orElseThrow();
    assertThat(notSup.mcuMgrError()).contains(McuMgrError.ENOTSUP);
    assertThat(notSup.isNotSupported()).isTrue();

    Map<String, Object> mcuboot = new LinkedHashMap<>();
    mcuboot.put("rc", 0);
    mcuboot.put("off", 4096);
    assertThat(new SmpMessage(new SmpHeader(0, SmpOp.WRITE_RESPONSE, 0, 0, 1, 5, 1), SmpCbor.encode(mcuboot)).toBytes())
        .isEqualTo(hex("0300000c00010501 a262726300636f6666191000"));
    assertThat(SmpError.from(SmpCbor.decode(SmpCbor.encode(mcuboot)), 1)).isEmpty();
  }

  private static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
