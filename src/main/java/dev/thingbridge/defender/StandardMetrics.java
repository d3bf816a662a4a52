package dev.thingbridge.defender;

/**
 * The standard device-side metrics of a report; every member is optional (null leaves it out of the
 * report). Build them by hand, or collect them from Linux with {@link LinuxNetworkMetrics}.
 */
public record StandardMetrics(ListeningPorts listeningTcpPorts, ListeningPorts listeningUdpPorts,
    NetworkStats networkStats, TcpConnections tcpConnections) {
  /** No standard metric at all. */
  public static final StandardMetrics NONE = new StandardMetrics(null, null, null, null);

  /** Whether no member is set. */
  public boolean isEmpty() {
    return listeningTcpPorts == null && listeningUdpPorts == null && networkStats == null && tcpConnections == null;
  }
}
