package dev.thingbridge.defender;

/**
 * A listening port.
 *
 * @param port 1-65535
 * @param interfaceName the interface it listens on (eth0), null when it listens on every interface
 */
public record ListeningPort(int port, String interfaceName) {
  public ListeningPort {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("a port is 1-65535: " + port);
    }
  }
}
