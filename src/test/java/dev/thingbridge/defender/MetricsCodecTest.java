package dev.thingbridge.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsCodecTest {
  private static String json(MetricsReport r, KeyStyle keys) {
    return new String(MetricsCodec.encode(r, PayloadFormat.JSON, keys), StandardCharsets.UTF_8);
  }

  private static Map<String, CustomMetric> temp21() {
    return Map.of("temp_c", CustomMetric.number(21));
  }

  @Test
  void version_text_and_its_cbor_form() {
    // DEF-T1
    assertThat(new ReportVersion(2, 0).text()).isEqualTo("2.0");
    assertThat(new ReportVersion(0, 0).text()).isEqualTo("0.0");
    assertThat(new ReportVersion(0, 1).text()).isEqualTo("0.1");
    assertThat(new ReportVersion(255, 200).text()).isEqualTo("255.200");
    assertThat(HexFormat.of().formatHex(PayloadFormat.CBOR.write(
        PayloadFormat.CBOR.mapper().getNodeFactory().textNode(new ReportVersion(2, 0).text())))).isEqualTo("63322e30");
    assertThatThrownBy(() -> new ReportVersion(256, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void custom_number_report_in_json_leaves_out_absent_metrics_or_sends_null_in_rustot_form() {
    // DEF-T2
    MetricsReport r = MetricsReport.of(ReportHeader.of(0), temp21());
    assertThat(json(r, KeyStyle.SHORT)).isEqualTo("{\"hed\":{\"rid\":0,\"v\":\"1.0\"},\"cmet\":{\"temp_c\":[{\"number\":21}]}}");
    assertThat(new String(MetricsCodec.encodeWithNulls(r, PayloadFormat.JSON, KeyStyle.SHORT), StandardCharsets.UTF_8))
        .isEqualTo("{\"hed\":{\"rid\":0,\"v\":\"1.0\"},\"met\":null,\"cmet\":{\"temp_c\":[{\"number\":21}]}}");
  }

  @Test
  void the_four_custom_metric_kinds_keep_insertion_order() {
    // DEF-T3
    Map<String, CustomMetric> custom = new LinkedHashMap<>();
    custom.put("my_list", CustomMetric.numberList(List.of(5L, 6L, 7L)));
    custom.put("names", CustomMetric.stringList(List.of("a", "b")));
    custom.put("peers", CustomMetric.ipList(List.of("10.0.0.1", "10.0.0.2")));
    custom.put("cpu", CustomMetric.number(12.5));
    assertThat(json(MetricsReport.of(ReportHeader.of(7), custom), KeyStyle.SHORT)).isEqualTo(
        "{\"hed\":{\"rid\":7,\"v\":\"1.0\"},\"cmet\":{\"my_list\":[{\"number_list\":[5,6,7]}],"
            + "\"names\":[{\"string_list\":[\"a\",\"b\"]}],\"peers\":[{\"ip_list\":[\"10.0.0.1\",\"10.0.0.2\"]}],"
            + "\"cpu\":[{\"number\":12.5}]}}");
  }

  @Test
  void cbor_of_the_reference_report_is_byte_exact() {
    // DEF-T4: rustot's vector, with met as null (F6); thingbridge's own form leaves met out (a map of two).
    MetricsReport r = MetricsReport.of(ReportHeader.of(1_700_000_000L), temp21());
    String rustot = ("A3 63 68 65 64 A2 63 72 69 64 1A 65 53 F1 00 61 76 63 31 2E 30 63 6D 65 74 F6 64 63 6D 65 74 A1"
        + " 66 74 65 6D 70 5F 63 81 A1 66 6E 75 6D 62 65 72 15").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    assertThat(HexFormat.of().formatHex(MetricsCodec.encodeWithNulls(r, PayloadFormat.CBOR, KeyStyle.SHORT)))
        .isEqualTo(rustot);
    assertThat(HexFormat.of().formatHex(MetricsCodec.encode(r, PayloadFormat.CBOR, KeyStyle.SHORT)))
        .isEqualTo("a2" + rustot.substring(2).replace("636d6574f6", ""));
  }

  @Test
  void standard_metrics_in_short_and_long_names() {
    StandardMetrics m = new StandardMetrics(
        ListeningPorts.of(List.of(new ListeningPort(22, "eth0"), new ListeningPort(8883, null))),
        new ListeningPorts(null, 0L),
        new NetworkStats(2048L, 1024L, 20L, null),
        TcpConnections.of(List.of(new TcpConnection("192.168.0.1:8000", 443, "eth0"),
            new TcpConnection("[fd00::1]:80", null, null))));
    MetricsReport r = MetricsReport.of(ReportHeader.of(1), m);
    assertThat(json(r, KeyStyle.SHORT)).isEqualTo("{\"hed\":{\"rid\":1,\"v\":\"1.0\"},\"met\":{"
        + "\"tp\":{\"pts\":[{\"pt\":22,\"if\":\"eth0\"},{\"pt\":8883}],\"t\":2},\"up\":{\"t\":0},"
        + "\"ns\":{\"bi\":2048,\"bo\":1024,\"pi\":20},"
        + "\"tc\":{\"ec\":{\"cs\":[{\"rad\":\"192.168.0.1:8000\",\"lp\":443,\"li\":\"eth0\"},{\"rad\":\"[fd00::1]:80\"}],\"t\":2}}}}");
    assertThat(json(r, KeyStyle.LONG)).isEqualTo("{\"header\":{\"report_id\":1,\"version\":\"1.0\"},\"metrics\":{"
        + "\"listening_tcp_ports\":{\"ports\":[{\"port\":22,\"interface\":\"eth0\"},{\"port\":8883}],\"total\":2},"
        + "\"listening_udp_ports\":{\"total\":0},"
        + "\"network_stats\":{\"bytes_in\":2048,\"bytes_out\":1024,\"packets_in\":20},"
        + "\"tcp_connections\":{\"established_connections\":{\"connections\":[{\"remote_addr\":\"192.168.0.1:8000\","
        + "\"local_port\":443,\"local_interface\":\"eth0\"},{\"remote_addr\":\"[fd00::1]:80\"}],\"total\":2}}}}");
  }

  @Test
  void custom_metric_names_and_values_are_checked() {
    CustomMetric.checkName("a:b_c-9");
    CustomMetric.checkName("x".repeat(128));
    for (String bad : new String[] {"", "x".repeat(129), "aws:cpu", "has space", "dot.ted", "ü"}) {
      assertThatThrownBy(() -> MetricsReport.of(ReportHeader.of(1), Map.of(bad, CustomMetric.number(1))))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> CustomMetric.ipList(List.of("10.0.0.256"))).hasMessageContaining("not an IPv4");
    assertThatThrownBy(() -> CustomMetric.ipList(List.of("example.com"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(CustomMetric.ipList(List.of("::1", "fe80::1:2", "::ffff:10.0.0.1")).type()).isEqualTo("ip_list");
    assertThatThrownBy(() -> CustomMetric.number(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetricsReport(ReportHeader.of(1), null, Map.of()))
        .hasMessageContaining("standard metrics, custom metrics or both");
    assertThatThrownBy(() -> ReportHeader.of(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TcpConnection("10.0.0.1", null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ListeningPort(0, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejections_decode_with_typed_codes_and_unknown_codes_kept_as_text() throws Exception {
    for (PayloadFormat f : PayloadFormat.values()) {
      var m = f.mapper();
      var n = m.createObjectNode().put("thingName", "dev-1").put("status", "REJECTED").put("timestamp", 1635802047699L);
      n.putObject("statusDetails").put("ErrorCode", "InvalidPayload").put("ErrorMessage", "Malformed metrics report");
      DefenderRejection r = MetricsCodec.decodeRejection(m.writeValueAsBytes(n), f);
      assertThat(r).isEqualTo(new DefenderRejection("dev-1", DefenderErrorCode.INVALID_PAYLOAD, "InvalidPayload",
          "Malformed metrics report", null, 1635802047699L));
      ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("statusDetails")).put("ErrorCode", "BrandNew");
      DefenderRejection unknown = MetricsCodec.decodeRejection(m.writeValueAsBytes(n), f);
      assertThat(unknown.code()).isEqualTo(DefenderErrorCode.UNKNOWN);
      assertThat(unknown.rawCode()).isEqualTo("BrandNew");
    }
    for (String code : new String[] {"Malformed", "InvalidPayload", "Throttled", "MissingHeader"}) {
      assertThat(DefenderErrorCode.fromWire(code).wire()).isEqualTo(code);
    }
    assertThat(MetricsCodec.decodeRejection("not json".getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON).message())
        .isEqualTo("not json");
    assertThat(MetricsCodec.decodeAcceptance("{\"thingName\":\"t\",\"reportId\":5}".getBytes(StandardCharsets.UTF_8),
        PayloadFormat.JSON)).isEqualTo(new ReportAcceptance("t", 5L, null));
  }

  @Test
  void topics_format_and_parse() {
    assertThat(DefenderTopics.report("mcu-1", PayloadFormat.CBOR)).isEqualTo("$aws/things/mcu-1/defender/metrics/cbor");
    assertThat(DefenderTopics.accepted("mcu-1", PayloadFormat.JSON))
        .isEqualTo("$aws/things/mcu-1/defender/metrics/json/accepted");
    assertThat(DefenderTopics.parse("$aws/things/mcu-1/defender/metrics/json/rejected"))
        .contains(new DefenderTopics.Parsed("mcu-1", PayloadFormat.JSON, DefenderTopics.Kind.REJECTED));
    assertThat(DefenderTopics.parse("$aws/things/mcu-1/defender/metrics/cbor"))
        .contains(new DefenderTopics.Parsed("mcu-1", PayloadFormat.CBOR, DefenderTopics.Kind.REPORT));
    for (String t : new String[] {"$aws/things/mcu-1/defender/metrics", "$aws/things/mcu-1/defender/metrics/xml",
        "$aws/things/a b/defender/metrics/json", "$aws/things/mcu-1/defender/metrics/json/other",
        "$aws/things/mcu-1/shadow/metrics/json"}) {
      assertThat(DefenderTopics.parse(t)).as(t).isEmpty();
    }
    assertThatThrownBy(() -> DefenderTopics.report("a/b", PayloadFormat.JSON)).isInstanceOf(IllegalArgumentException.class);
  }
}
