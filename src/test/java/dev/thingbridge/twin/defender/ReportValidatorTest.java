package dev.thingbridge.twin.defender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ReportValidatorTest {
  static final String LONG = "{\"header\":{\"report_id\":1700000000,\"version\":\"1.0\"},\"metrics\":{"
      + "\"listening_tcp_ports\":{\"ports\":[{\"interface\":\"eth0\",\"port\":22}],\"total\":1},"
      + "\"listening_udp_ports\":{\"ports\":[{\"interface\":\"eth0\",\"port\":5353}],\"total\":1},"
      + "\"network_stats\":{\"bytes_in\":2048,\"bytes_out\":1024,\"packets_in\":20,\"packets_out\":12},"
      + "\"tcp_connections\":{\"established_connections\":{\"connections\":[{\"local_interface\":\"eth0\","
      + "\"local_port\":443,\"remote_addr\":\"192.168.0.1:8000\"}],\"total\":1}}},"
      + "\"custom_metrics\":{\"cpu_usage\":[{\"number\":12.5}],\"temps\":[{\"number_list\":[40,41]}],"
      + "\"services\":[{\"string_list\":[\"ssh\",\"ggc\"]}],\"peers\":[{\"ip_list\":[\"10.0.0.2\"]}]}}";
  static final String SHORT = "{\"hed\":{\"rid\":1700000000,\"v\":\"1.0\"},\"met\":{"
      + "\"tp\":{\"pts\":[{\"if\":\"eth0\",\"pt\":22}],\"t\":1},\"up\":{\"pts\":[{\"if\":\"eth0\",\"pt\":5353}],\"t\":1},"
      + "\"ns\":{\"bi\":2048,\"bo\":1024,\"pi\":20,\"po\":12},"
      + "\"tc\":{\"ec\":{\"cs\":[{\"li\":\"eth0\",\"lp\":443,\"rad\":\"192.168.0.1:8000\"}],\"t\":1}}},"
      + "\"cmet\":{\"cpu_usage\":[{\"number\":12.5}],\"temps\":[{\"number_list\":[40,41]}],"
      + "\"services\":[{\"string_list\":[\"ssh\",\"ggc\"]}],\"peers\":[{\"ip_list\":[\"10.0.0.2\"]}]}}";

  private static ReportValidator.Outcome json(String s) {
    return ReportValidator.validate(s.getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON);
  }

  private static void refused(String report, String code, String message) {
    ReportValidator.Outcome o = json(report);
    assertThat(o.refusal()).as(report).isNotNull();
    assertThat(o.refusal().errorCode()).as(report).isEqualTo(code);
    assertThat(o.refusal().message()).as(report).contains(message);
  }

  @Test
  void long_and_short_names_give_the_same_canonical_report() {
    ReportValidator.Report a = json(LONG).report();
    ReportValidator.Report b = json(SHORT).report();
    assertThat(a.reportId()).isEqualTo(1_700_000_000L);
    assertThat(b.canonical()).isEqualTo(a.canonical());
    assertThat(a.canonical().at("/metrics/tcp_connections/established_connections/connections/0/remote_addr").asText())
        .isEqualTo("192.168.0.1:8000");
    JsonNode mixed = json(SHORT.replace("\"hed\":{\"rid\"", "\"header\":{\"rid\"")).report().canonical();
    assertThat(mixed).isEqualTo(a.canonical());
  }

  @Test
  void rustot_cbor_reference_report_with_a_null_met_is_accepted() {
    byte[] rustot = HexFormat.of().parseHex(("A3 63 68 65 64 A2 63 72 69 64 1A 65 53 F1 00 61 76 63 31 2E 30 63 6D 65 74"
        + " F6 64 63 6D 65 74 A1 66 74 65 6D 70 5F 63 81 A1 66 6E 75 6D 62 65 72 15").replace(" ", ""));
    ReportValidator.Report r = ReportValidator.validate(rustot, PayloadFormat.CBOR).report();
    assertThat(r.reportId()).isEqualTo(1_700_000_000L);
    assertThat(r.canonical().has("metrics")).isFalse();
    assertThat(r.canonical().at("/custom_metrics/temp_c/0/number").asInt()).isEqualTo(21);
  }

  @Test
  void payloads_that_are_not_maps_are_malformed() {
    refused("not json", "Malformed", "Malformed metrics report");
    refused("[1,2]", "Malformed", "not a json map");
    refused("", "Malformed", "empty");
    assertThat(ReportValidator.validate(new byte[] {(byte) 0xff}, PayloadFormat.CBOR).refusal().errorCode())
        .isEqualTo("Malformed");
  }

  @Test
  void a_missing_header_id_or_version_is_missing_header() {
    refused("{\"cmet\":{\"a\":[{\"number\":1}]}}", "MissingHeader", "Missing header");
    refused("{\"hed\":{\"v\":\"1.0\"},\"cmet\":{\"a\":[{\"number\":1}]}}", "MissingHeader", "report_id");
    refused("{\"hed\":{\"rid\":1},\"cmet\":{\"a\":[{\"number\":1}]}}", "MissingHeader", "version");
  }

  @Test
  void schema_violations_are_invalid_payload() {
    String hed = "{\"hed\":{\"rid\":1,\"v\":\"1.0\"},";
    refused("{\"hed\":{\"rid\":1,\"v\":\"1.0\"}}", "InvalidPayload", "needs metrics or custom_metrics");
    refused("{\"hed\":{\"rid\":-1,\"v\":\"1.0\"},\"met\":{}}", "InvalidPayload", "non-negative");
    refused("{\"hed\":{\"rid\":\"1\",\"v\":\"1.0\"},\"met\":{}}", "InvalidPayload", "report_id");
    refused("{\"hed\":{\"rid\":1,\"v\":1.0},\"met\":{}}", "InvalidPayload", "major.minor");
    refused(hed + "\"met\":{\"tp\":{\"pts\":[{\"pt\":0}]}}}", "InvalidPayload", "1-65535");
    refused(hed + "\"met\":{\"tp\":{\"pts\":[{\"pt\":70000}]}}}", "InvalidPayload", "1-65535");
    refused(hed + "\"met\":{\"ns\":{\"bi\":-5}}}", "InvalidPayload", "bytes_in");
    refused(hed + "\"met\":{\"tc\":{\"ec\":{\"cs\":[{\"rad\":\"10.0.0.1\"}]}}}}", "InvalidPayload", "ip:port");
    refused(hed + "\"met\":{\"tc\":{\"ec\":{\"cs\":[{\"lp\":1}]}}}}", "InvalidPayload", "remote_addr");
    refused(hed + "\"met\":{\"cpu\":1}}", "InvalidPayload", "unknown member metrics.cpu");
    refused(hed + "\"met\":{\"tp\":{\"t\":1},\"listening_tcp_ports\":{\"t\":1}}}", "InvalidPayload", "given twice");
    refused(hed + "\"cmet\":{\"aws:x\":[{\"number\":1}]}}", "InvalidPayload", "custom metric name");
    refused(hed + "\"cmet\":{\"bad name\":[{\"number\":1}]}}", "InvalidPayload", "custom metric name");
    refused(hed + "\"cmet\":{\"" + "x".repeat(129) + "\":[{\"number\":1}]}}", "InvalidPayload", "custom metric name");
    refused(hed + "\"cmet\":{\"temp\":{\"number\":1}}}", "InvalidPayload", "Malformed metrics report");
    refused(hed + "\"cmet\":{\"temp\":[{\"number\":1},{\"number\":2}]}}", "InvalidPayload", "one object");
    refused(hed + "\"cmet\":{\"temp\":[{\"number\":\"1\"}]}}", "InvalidPayload", "number must be a number");
    refused(hed + "\"cmet\":{\"temp\":[{\"float\":1}]}}", "InvalidPayload", "unknown type");
    refused(hed + "\"cmet\":{\"l\":[{\"number_list\":[1,\"a\"]}]}}", "InvalidPayload", "wrong kind");
    refused(hed + "\"cmet\":{\"l\":[{\"string_list\":\"a\"}]}}", "InvalidPayload", "must be a list");
    refused(hed + "\"cmet\":{\"l\":[{\"ip_list\":[\"10.0.0.300\"]}]}}", "InvalidPayload", "wrong kind");
  }

  @Test
  void empty_lists_and_ipv6_addresses_are_fine() {
    String r = "{\"hed\":{\"rid\":1,\"v\":\"1.0\"},\"met\":{\"tp\":{\"pts\":[],\"t\":0},"
        + "\"tc\":{\"ec\":{\"cs\":[{\"rad\":\"[fd00::1]:80\"},{\"rad\":\"fd00::1:80\"}]}}},"
        + "\"cmet\":{\"ips\":[{\"ip_list\":[]}]}}";
    assertThat(json(r).report()).isNotNull();
  }
}
