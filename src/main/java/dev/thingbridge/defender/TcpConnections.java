package dev.thingbridge.defender;

import java.util.List;

/**
 * The {@code tcp_connections.established_connections} metric.
 *
 * @param connections the connections, or null to send only the total
 * @param total how many, or null to leave it out
 */
public record TcpConnections(List<TcpConnection> connections, Long total) {
  public TcpConnections {
    connections = connections == null ? null : List.copyOf(connections);
    if (total != null && total < 0) {
      throw new IllegalArgumentException("total must not be negative: " + total);
    }
  }

  /** The connections with their count as total. */
  public static TcpConnections of(List<TcpConnection> connections) {
    return new TcpConnections(connections, (long) connections.size());
  }
}
