package dev.thingbridge.defender;

import java.util.Objects;

/**
 * An established TCP connection.
 *
 * @param remoteAddress {@code ip:port} ({@code [v6]:port} for IPv6), required
 * @param localPort the local port, or null
 * @param localInterface the local interface, or null
 */
public record TcpConnection(String remoteAddress, Integer localPort, String localInterface) {
  public TcpConnection {
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    if (!dev.thingbridge.internal.IpLiterals.isAddressAndPort(remoteAddress)) {
      throw new IllegalArgumentException("remote address must be ip:port or [ipv6]:port: " + remoteAddress);
    }
    if (localPort != null && (localPort < 0 || localPort > 65_535)) {
      throw new IllegalArgumentException("a local port is 0-65535: " + localPort);
    }
  }
}
