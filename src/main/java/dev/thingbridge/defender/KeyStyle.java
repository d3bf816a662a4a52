package dev.thingbridge.defender;

/**
 * The two interchangeable spellings of the metrics report schema: long names ({@code header}, {@code
 * report_id}, {@code listening_tcp_ports}) or short ones ({@code hed}, {@code rid}, {@code tp}), which save
 * bytes and are usual with CBOR.
 */
public enum KeyStyle {
  SHORT, LONG;

  /** The name of a member in this style. */
  String name(Member m) {
    return this == SHORT ? m.shortName : m.longName;
  }

  /** Every member of the schema with both its names. */
  enum Member {
    HEADER("header", "hed"), REPORT_ID("report_id", "rid"), VERSION("version", "v"),
    METRICS("metrics", "met"), CUSTOM_METRICS("custom_metrics", "cmet"),
    LISTENING_TCP_PORTS("listening_tcp_ports", "tp"), LISTENING_UDP_PORTS("listening_udp_ports", "up"),
    PORTS("ports", "pts"), PORT("port", "pt"), INTERFACE("interface", "if"), TOTAL("total", "t"),
    NETWORK_STATS("network_stats", "ns"), BYTES_IN("bytes_in", "bi"), BYTES_OUT("bytes_out", "bo"),
    PACKETS_IN("packets_in", "pi"), PACKETS_OUT("packets_out", "po"),
    TCP_CONNECTIONS("tcp_connections", "tc"), ESTABLISHED_CONNECTIONS("established_connections", "ec"),
    CONNECTIONS("connections", "cs"), REMOTE_ADDR("remote_addr", "rad"), LOCAL_PORT("local_port", "lp"),
    LOCAL_INTERFACE("local_interface", "li");

    final String longName;
    final String shortName;

    Member(String longName, String shortName) {
      this.longName = longName;
      this.shortName = shortName;
    }
  }
}
