package dev.thingbridge.defender;

import java.util.List;

/**
 * The {@code listening_tcp_ports} or {@code listening_udp_ports} metric.
 *
 * @param ports the ports, or null to send only the total
 * @param total how many, or null to leave it out
 */
public record ListeningPorts(List<ListeningPort> ports, Long total) {
  public ListeningPorts {
    ports = ports == null ? null : List.copyOf(ports);
    if (total != null && total < 0) {
      throw new IllegalArgumentException("total must not be negative: " + total);
    }
  }

  /** The ports with their count as total. */
  public static ListeningPorts of(List<ListeningPort> ports) {
    return new ListeningPorts(ports, (long) ports.size());
  }
}
