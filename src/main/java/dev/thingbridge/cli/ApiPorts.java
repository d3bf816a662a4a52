package dev.thingbridge.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a port a command will serve on is free, before the command starts anything. */
final class ApiPorts {
  private ApiPorts() {}

  /** Throws a usage error naming {@code flag} when {@code address:port} is taken; 0 and -1 always pass. */
  static void requireFree(String flag, InetAddress address, int port) {
    if (port <= 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as the HTTP server binds: a port in TIME_WAIT counts as free
      probe.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new UsageException(flag + " " + port + " is in use on " + address.getHostAddress()
          + " (another twin?); pick another, or 0 for a free one");
    }
  }
}
