package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.transfer.model.GetStreamRequest;
import dev.thingbridge.transfer.model.StreamBlock;
import dev.thingbridge.transfer.model.StreamDescription;
import dev.thingbridge.transfer.model.StreamError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** OTA-T1..T3: the block bitmap and the stream messages, byte for byte against rustot-spec §7.4-7.5. */
class StreamCodecTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  private static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  private static byte[] bytes(String hex) {
    return HEX.parseHex(hex);
  }

  @Test
  void a_fresh_window_of_255000_bytes_in_256_byte_blocks_wants_exactly_blocks_0_to_30() {
    long total = (255_000 + 255) / 256;
    BlockBitmap w = BlockBitmap.window(0, 31, total);
    assertThat(w.count()).isEqualTo(31);
    for (int k = 0; k < 31; k++) {
      assertThat(w.wants(k)).isTrue();
    }
    assertThat(w.wants(31)).isFalse();
    assertThat(hex(w.toBytes())).isEqualTo("FF FF FF 7F");
  }

  @Test
  void windows_of_100000_bytes_in_1024_byte_blocks_are_full_until_the_last_five() {
    long total = (100_000 + 1023) / 1024;
    assertThat(total).isEqualTo(98);
    for (long offset : new long[] {0, 31, 62}) {
      assertThat(hex(BlockBitmap.window(offset, 31, total).toBytes())).isEqualTo("FF FF FF 7F");
    }
    assertThat(hex(BlockBitmap.window(93, 31, total).toBytes())).isEqualTo("1F 00 00 00");
  }

  @Test
  void rustot_bitmap_vectors() {
    BlockBitmap w = BlockBitmap.window(20, 31, 1_000_000 / 256);
    assertThat(hex(w.toBytes())).isEqualTo("FF FF FF 7F");
    // bits {0,1,4,23} of a window at 20
    BlockBitmap sparse = BlockBitmap.window(20, 31, 1000);
    for (int k = 0; k < 31; k++) {
      if (k != 0 && k != 1 && k != 4 && k != 23) {
        sparse.clear(20 + k);
      }
    }
    assertThat(hex(sparse.toBytes())).isEqualTo("13 00 80 00");
    GetStreamRequest r = new GetStreamRequest(null, null, 0, 256, 20, sparse.toBytes(), null);
    assertThat(hex(StreamCodec.encode(r, StreamFormat.CBOR))).contains("61 62 44 13 00 80 00");
  }

  @Test
  void requests_are_byte_exact() {
    long total = 98;
    BlockBitmap first = BlockBitmap.window(0, 31, total);
    assertThat(hex(StreamCodec.encode(new GetStreamRequest(null, null, 0, 1024, 0, first.toBytes(), 16),
        StreamFormat.CBOR))).isEqualTo("A5 61 66 00 61 6C 19 04 00 61 6F 00 61 62 44 FF FF FF 7F 61 6E 10");
    BlockBitmap last = BlockBitmap.window(93, 31, total);
    assertThat(hex(StreamCodec.encode(new GetStreamRequest(null, null, 0, 1024, 93, last.toBytes(),
        Math.min(last.count(), 16)), StreamFormat.CBOR)))
        .isEqualTo("A5 61 66 00 61 6C 19 04 00 61 6F 18 5D 61 62 44 1F 00 00 00 61 6E 05");
  }

  @Test
  void rustot_vectors_with_a_client_token() {
    long total2048 = (181_584 + 2047) / 2048;
    assertThat(hex(BlockBitmap.window(0, 31, total2048).toBytes())).isEqualTo("FF FF FF 7F");
    assertThat(hex(BlockBitmap.window(88, 31, total2048).toBytes())).isEqualTo("01 00 00 00");
    long total512 = (181_584 + 511) / 512;
    assertThat(hex(BlockBitmap.window(352, 31, total512).toBytes())).isEqualTo("07 00 00 00");
    byte[] req = StreamCodec.encode(new GetStreamRequest("rdy", null, 0, 2048, 0,
        BlockBitmap.window(0, 31, total2048).toBytes(), 1), StreamFormat.CBOR);
    assertThat(hex(req)).isEqualTo(
        "A6 61 63 63 72 64 79 61 66 00 61 6C 19 08 00 61 6F 00 61 62 44 FF FF FF 7F 61 6E 01");
  }

  @Test
  void an_indefinite_length_data_message_from_aws_decodes() {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(bytes("BF 61 66 00 61 69 00 61 6C 19 04 00 61 70 59 04 00"));
    byte[] payload = new byte[1024];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    m.writeBytes(payload);
    m.write(0xFF);
    StreamBlock b = StreamCodec.decodeBlock(m.toByteArray(), StreamFormat.CBOR);
    assertThat(b.fileId()).isZero();
    assertThat(b.blockId()).isZero();
    assertThat(b.blockSize()).isEqualTo(1024);
    assertThat(b.payload()).isEqualTo(payload);
  }

  @Test
  void a_definite_data_message_decodes() {
    StreamBlock b = StreamCodec.decodeBlock(bytes("A4 61 66 00 61 69 03 61 6C 04 61 70 44 DE AD BE EF"),
        StreamFormat.CBOR);
    assertThat(b).isEqualTo(new StreamBlock(null, 0, 4, 3, bytes("DE AD BE EF")));
  }

  @Test
  void json_messages_use_base64_payloads_and_hex_bitmaps() {
    byte[] req = StreamCodec.encode(new GetStreamRequest("1", 1, 0, 4096, 20, bytes("13 00 80"), 32),
        StreamFormat.JSON);
    assertThat(new String(req, StandardCharsets.UTF_8))
        .isEqualTo("{\"c\":\"1\",\"s\":1,\"f\":0,\"l\":4096,\"o\":20,\"b\":\"0x130080\",\"n\":32}");
    StreamBlock b = StreamCodec.decodeBlock(
        "{\"c\":\"1\",\"f\":0,\"l\":4,\"i\":20,\"p\":\"3q2+7w==\"}".getBytes(StandardCharsets.UTF_8), StreamFormat.JSON);
    assertThat(b).isEqualTo(new StreamBlock("1", 0, 4, 20, bytes("DE AD BE EF")));
  }

  @Test
  void descriptions_and_errors_decode_in_both_forms() {
    StreamDescription d = StreamCodec.decodeDescription(("{\"c\":\"x\",\"s\":1,\"d\":\"firmware 1.2.3\","
        + "\"r\":[{\"f\":0,\"z\":180224},{\"f\":1,\"z\":51200}]}").getBytes(StandardCharsets.UTF_8), StreamFormat.JSON);
    assertThat(d.files()).containsExactly(new StreamDescription.File(0, 180_224), new StreamDescription.File(1, 51_200));
    assertThat(d.streamVersion()).isEqualTo(1);
    StreamError e = StreamCodec.decodeError(
        "{\"o\":\"BlockSizeOutOfBounds\",\"m\":\"The block size is out of bounds\",\"c\":\"1\"}"
            .getBytes(StandardCharsets.UTF_8), StreamFormat.JSON);
    assertThat(e.code()).isEqualTo("BlockSizeOutOfBounds");
    StreamError legacy = StreamCodec.decodeError("{\"code\":\"InternalError\",\"clientToken\":\"t\"}"
        .getBytes(StandardCharsets.UTF_8), StreamFormat.JSON);
    assertThat(legacy.isTransient()).isTrue();
    assertThat(legacy.clientToken()).isEqualTo("t");
    // CBOR, indefinite: {"o": "ResourceNotFound"}
    assertThat(StreamCodec.decodeError(bytes("BF 61 6F 70 52 65 73 6F 75 72 63 65 4E 6F 74 46 6F 75 6E 64 FF"),
        StreamFormat.CBOR).code()).isEqualTo("ResourceNotFound");
  }

  @Test
  void describe_requests_carry_only_the_token() {
    assertThat(hex(StreamCodec.encodeDescribe("ab", StreamFormat.CBOR))).isEqualTo("A1 61 63 62 61 62");
    assertThat(new String(StreamCodec.encodeDescribe("ab", StreamFormat.JSON), StandardCharsets.UTF_8))
        .isEqualTo("{\"c\":\"ab\"}");
  }

  @Test
  void malformed_messages_raise_only_the_decode_exception() {
    for (String h : new String[] {"", "00", "A1 61 66 20", "A2 61 66 00 61 69 00", "BF 61 66", "A1 61 70 5B FF FF FF FF FF FF FF FF",
        "A3 61 66 19 01 00 61 69 00 61 70 40", "A3 61 66 00 61 69 3A FF FF FF FF 61 70 40"}) {
      assertThatThrownBy(() -> StreamCodec.decodeBlock(bytes(h), StreamFormat.CBOR))
          .as(h).isInstanceOf(StreamDecodeException.class);
    }
    assertThatThrownBy(() -> StreamCodec.decodeBlock("{\"f\":0,\"i\":1,\"p\":5}".getBytes(StandardCharsets.UTF_8),
        StreamFormat.JSON)).isInstanceOf(StreamDecodeException.class);
  }
}
