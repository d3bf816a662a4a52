package dev.thingbridge.twin.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The twin's stream service as a device sees it: blocks, descriptions and AWS's rejections, in CBOR and JSON. */
class StreamsServiceTest {
  private static final CBORMapper CBOR = new CBORMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final String BASE = "$aws/things/dev-1/streams/";

  private final LocalBroker broker = new LocalBroker();
  private final byte[] content = new byte[10_000];
  private MqttClient twinClient;
  private MqttClient device;
  private Twin twin;
  private StreamsService streams;
  private Subscription replies;

  private void start(TwinLimits limits) throws Exception {
    new Random(1).nextBytes(content);
    streams = new StreamsService();
    twinClient = broker.connect("twin");
    twin = Twin.builder(twinClient).limits(limits).service(streams).build();
    twin.start().get(5, TimeUnit.SECONDS);
    // After the start: starting loads the catalog from the twin's store, which holds no stream here.
    streams.catalog().put(new StreamDefinition("fw", 3, "firmware 1.2.3",
        List.of(new StreamFile(0, FileSource.of(content)), new StreamFile(7, FileSource.of(new byte[300]))),
        java.time.Instant.now(), java.time.Instant.now()));
    device = broker.connect("dev-1");
    replies = device.subscribe(List.of(
        dev.thingbridge.mqtt.SubscriptionFilter.of(BASE + "+/data/+", QoS.AT_MOST_ONCE),
        dev.thingbridge.mqtt.SubscriptionFilter.of(BASE + "+/description/+", QoS.AT_MOST_ONCE),
        dev.thingbridge.mqtt.SubscriptionFilter.of(BASE + "+/rejected/+", QoS.AT_MOST_ONCE))).get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() {
    if (device != null) {
      device.close();
    }
    if (twin != null) {
      twin.close();
      streams.close();
      twinClient.close();
    }
    broker.stop();
  }

  private void send(String topic, byte[] payload) throws Exception {
    device.publish(topic, payload, QoS.AT_MOST_ONCE, false).get(5, TimeUnit.SECONDS);
  }

  private MqttMessage next() throws Exception {
    return replies.next(Duration.ofSeconds(5));
  }

  private void nothingWithin(long millis) throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> replies.next(Duration.ofMillis(millis)))
        .isInstanceOf(dev.thingbridge.mqtt.MqttTimeoutException.class);
  }

  private JsonNode rejection(String topic, byte[] payload, String format) throws Exception {
    send(topic, payload);
    MqttMessage m = next();
    assertThat(m.topic()).endsWith("/rejected/" + format);
    return format.equals("cbor") ? CBOR.readTree(m.payload()) : JSON.readTree(m.payload());
  }

  private static byte[] cbor(String json) throws Exception {
    return CBOR.writeValueAsBytes(JSON.readTree(json));
  }

  @Test
  void a_cbor_request_with_a_bitmap_gets_those_blocks_as_indefinite_maps() throws Exception {
    start(TwinLimits.RELAXED);
    java.util.Map<String, Object> req = new java.util.LinkedHashMap<>();
    req.put("f", 0);
    req.put("l", 1024);
    req.put("o", 5);
    req.put("b", HEX.parseHex("13000000")); // blocks 5, 6 and 9 (block 9 is the last: 784 bytes)
    req.put("n", 16);
    send(BASE + "fw/get/cbor", CBOR.writeValueAsBytes(req));
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MqttMessage m = next();
      assertThat(m.topic()).isEqualTo(BASE + "fw/data/cbor");
      assertThat(m.payload()[0] & 0xFF).isEqualTo(0xBF);
      JsonNode b = CBOR.readTree(m.payload());
      long id = b.get("i").asLong();
      ids.add(id);
      int size = id == 9 ? 10_000 - 9 * 1024 : 1024;
      assertThat(b.get("l").asInt()).isEqualTo(size);
      assertThat(b.get("p").binaryValue()).isEqualTo(java.util.Arrays.copyOfRange(content, (int) id * 1024,
          (int) id * 1024 + size));
    }
    assertThat(ids).containsExactly(5L, 6L, 9L);
  }

  @Test
  void a_json_request_without_a_bitmap_gets_n_blocks_from_the_offset_in_base64() throws Exception {
    start(TwinLimits.RELAXED);
    send(BASE + "fw/get/json", "{\"c\":\"t1\",\"f\":0,\"l\":2048,\"o\":1,\"n\":2}".getBytes(StandardCharsets.UTF_8));
    for (int id = 1; id <= 2; id++) {
      JsonNode b = JSON.readTree(next().payload());
      assertThat(b.get("c").asText()).isEqualTo("t1");
      assertThat(b.get("i").asInt()).isEqualTo(id);
      assertThat(b.get("p").binaryValue()).isEqualTo(java.util.Arrays.copyOfRange(content, id * 2048, id * 2048 + 2048));
    }
    send(BASE + "fw/get/json", "{\"f\":0,\"l\":2048,\"o\":0,\"b\":\"0x10\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(JSON.readTree(next().payload()).get("i").asInt()).isEqualTo(4);
  }

  @Test
  void one_request_brings_at_most_128_kib() throws Exception {
    start(TwinLimits.RELAXED);
    byte[] big = new byte[400 * 1024];
    streams.catalog().put(StreamDefinition.of("big", null, List.of(new StreamFile(0, FileSource.of(big)))));
    send(BASE + "big/get/cbor", cbor("{\"f\":0,\"l\":65536,\"o\":0,\"n\":6}"));
    assertThat(CBOR.readTree(next().payload()).get("i").asInt()).isZero();
    assertThat(CBOR.readTree(next().payload()).get("i").asInt()).isEqualTo(1);
    nothingWithin(300);
  }

  @Test
  void describe_lists_the_files_with_their_sizes() throws Exception {
    start(TwinLimits.RELAXED);
    send(BASE + "fw/describe/json", "{\"c\":\"d1\"}".getBytes(StandardCharsets.UTF_8));
    MqttMessage m = next();
    assertThat(m.topic()).isEqualTo(BASE + "fw/description/json");
    assertThat(JSON.readTree(m.payload())).isEqualTo(JSON.readTree(
        "{\"c\":\"d1\",\"s\":3,\"d\":\"firmware 1.2.3\",\"r\":[{\"f\":0,\"z\":10000},{\"f\":7,\"z\":300}]}"));
    send(BASE + "fw/describe/cbor", cbor("{}"));
    JsonNode d = CBOR.readTree(next().payload());
    assertThat(d.get("r").size()).isEqualTo(2);
    assertThat(d.has("c")).isFalse();
  }

  @Test
  void bad_requests_get_awss_error_codes() throws Exception {
    start(TwinLimits.RELAXED);
    assertThat(rejection(BASE + "nope/get/json", "{\"c\":\"x\",\"f\":0,\"l\":1024}".getBytes(), "json"))
        .isEqualTo(JSON.readTree("{\"o\":\"ResourceNotFound\",\"m\":\"No stream nope\",\"c\":\"x\"}"));
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":100}"), "cbor").get("o").asText())
        .isEqualTo("BlockSizeOutOfBounds");
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":262144}"), "cbor").get("o").asText())
        .isEqualTo("BlockSizeOutOfBounds");
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":1024,\"o\":10}"), "cbor").get("o").asText())
        .isEqualTo("OffsetOutOfBounds");
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"s\":2,\"f\":0,\"l\":1024}"), "cbor").get("o").asText())
        .isEqualTo("VersionMismatch");
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"f\":3,\"l\":1024}"), "cbor").get("o").asText())
        .isEqualTo("ResourceNotFound");
    assertThat(rejection(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":1024,\"n\":100000}"), "cbor").get("o").asText())
        .isEqualTo("BlockCountLimitExceeded");
    java.util.Map<String, Object> huge = new java.util.LinkedHashMap<>();
    huge.put("f", 0);
    huge.put("l", 1024);
    huge.put("b", new byte[12_288]);
    assertThat(rejection(BASE + "fw/get/cbor", CBOR.writeValueAsBytes(huge), "cbor").get("o").asText())
        .isEqualTo("BlockBitmapLimitExceeded");
    assertThat(rejection(BASE + "fw/get/cbor", new byte[] {(byte) 0xA1, 0x61}, "cbor").get("o").asText())
        .isEqualTo("InvalidCbor");
    assertThat(rejection(BASE + "fw/get/json", "{\"f\":".getBytes(), "json").get("o").asText()).isEqualTo("InvalidJson");
    JsonNode longToken = rejection(BASE + "fw/get/json",
        ("{\"c\":\"" + "x".repeat(65) + "\",\"f\":0,\"l\":1024}").getBytes(), "json");
    assertThat(longToken.get("o").asText()).isEqualTo("InvalidRequest");
    assertThat(longToken.has("c")).isFalse();
    assertThat(rejection(BASE + "fw/get/json", "{\"l\":1024}".getBytes(), "json").get("o").asText())
        .isEqualTo("InvalidRequest");
  }

  @Test
  void unknown_topics_are_ignored_and_silence_is_a_fault_knob() throws Exception {
    start(TwinLimits.RELAXED);
    send(BASE + "fw/get/xml", "{}".getBytes());
    nothingWithin(200);
    streams.faults(StreamFaults.NONE.withStopAnswering(true));
    send(BASE + "fw/describe/json", "{}".getBytes());
    nothingWithin(300);
    streams.faults(StreamFaults.NONE);
    send(BASE + "fw/describe/json", "{}".getBytes());
    assertThat(next().topic()).endsWith("/description/json");
  }

  @Test
  void faults_drop_duplicate_and_damage_blocks_reproducibly() throws Exception {
    start(TwinLimits.RELAXED);
    streams.faults(StreamFaults.NONE.withDuplicate(1.0).withSeed(9));
    send(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":1024,\"o\":0,\"n\":2}"));
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(CBOR.readTree(next().payload()).get("i").asInt());
    }
    assertThat(ids).containsExactly(0, 0, 1, 1);
    streams.faults(StreamFaults.NONE.withDrop(1.0));
    send(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":1024,\"o\":0,\"n\":2}"));
    nothingWithin(300);
    streams.faults(StreamFaults.NONE.withCorrupt(1.0, StreamFaults.Corruption.TRUNCATED));
    send(BASE + "fw/get/cbor", cbor("{\"f\":0,\"l\":1024,\"o\":0,\"n\":1}"));
    JsonNode b = CBOR.readTree(next().payload());
    assertThat(b.get("l").asInt()).isEqualTo(1023);
    assertThat(b.get("p").binaryValue()).hasSize(1023);
  }

  @Test
  void under_aws_limits_a_thing_gets_no_more_than_512_kib_a_second() throws Exception {
    start(TwinLimits.AWS);
    byte[] big = new byte[1024 * 1024];
    streams.catalog().put(StreamDefinition.of("big", null, List.of(new StreamFile(0, FileSource.of(big)))));
    long t0 = System.nanoTime();
    for (int r = 0; r < 16; r++) {
      send(BASE + "big/get/cbor", cbor("{\"f\":0,\"l\":65536,\"o\":" + r + ",\"n\":1}"));
    }
    for (int r = 0; r < 16; r++) {
      assertThat(replies.next(Duration.ofSeconds(10))).isNotNull();
    }
    // 1 MiB at 512 KiB/s with a 100 ms burst: at least 1.7 s, however fast the machine
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1700));
  }
}
