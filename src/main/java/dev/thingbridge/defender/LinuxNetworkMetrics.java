package dev.thingbridge.defender;

import dev.thingbridge.defender.internal.ProcNet;
import dev.thingbridge.defender.internal.ProcNet.Counters;
import dev.thingbridge.defender.internal.ProcNet.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Collects the standard Device Defender metrics from Linux's {@code /proc/net}: listening TCP ports ({@code
 * tcp}, {@code tcp6}), listening (unconnected) UDP ports ({@code udp}, {@code udp6}), established TCP
 * connections, and network traffic ({@code dev}) as deltas since the previous {@link #collect()} (the first
 * one counts from construction). Loopback traffic is left out of the counters by default.
 *
 * <p>A port bound to one address is reported with that address's interface; one bound to every address
 * ({@code 0.0.0.0}, {@code ::}) without an interface. A port listening on IPv4 and IPv6 is reported once.
 * Files that do not exist (IPv6 disabled) count as empty. Thread-safe.
 */
public final class LinuxNetworkMetrics {
  private final Path procNet;
  private final Function<InetAddress, String> interfaces;
  private final Set<String> excluded;
  private final ByteOrder order;
  private Map<String, Counters> previous;

  /** Reads {@code /proc/net} of this machine, naming interfaces through {@link NetworkInterface}. */
  public LinuxNetworkMetrics() {
    this(Path.of("/proc/net"), LinuxNetworkMetrics::systemInterface, Set.of("lo"), ByteOrder.nativeOrder());
  }

  /**
   * Reads the files under {@code procNet}.
   *
   * @param interfaces names the interface of a local address (null when unknown)
   * @param excludedInterfaces interfaces whose traffic is not counted
   * @param order the kernel's byte order of the address columns
   */
  public LinuxNetworkMetrics(Path procNet, Function<InetAddress, String> interfaces, Set<String> excludedInterfaces,
      ByteOrder order) {
    this.procNet = Objects.requireNonNull(procNet, "procNet");
    this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
    this.excluded = Set.copyOf(excludedInterfaces);
    this.order = Objects.requireNonNull(order, "order");
    this.previous = counters();
  }

  /**
   * The metrics now.
   *
   * @throws UncheckedIOException if {@code /proc/net/tcp} or {@code dev} cannot be read (not Linux)
   */
  public synchronized StandardMetrics collect() {
    List<Socket> tcp = sockets("tcp", "tcp6");
    List<Socket> udp = sockets("udp", "udp6");
    Map<InetAddress, String> names = new HashMap<>();
    Function<InetAddress, String> name = a -> a.isAnyLocalAddress() ? null
        : names.computeIfAbsent(a, k -> interfaces.apply(k));
    List<TcpConnection> established = new ArrayList<>();
    Set<ListeningPort> tcpPorts = new LinkedHashSet<>();
    for (Socket s : tcp) {
      if (s.state() == ProcNet.TCP_LISTEN) {
        tcpPorts.add(new ListeningPort(s.localPort(), name.apply(s.localAddress())));
      } else if (s.state() == ProcNet.TCP_ESTABLISHED) {
        established.add(new TcpConnection(addressAndPort(s.remoteAddress(), s.remotePort()), s.localPort(),
            name.apply(s.localAddress())));
      }
    }
    Set<ListeningPort> udpPorts = new LinkedHashSet<>();
    for (Socket s : udp) {
      if (s.remotePort() == 0 && s.localPort() > 0) {
        udpPorts.add(new ListeningPort(s.localPort(), name.apply(s.localAddress())));
      }
    }
    Map<String, Counters> now = counters();
    NetworkStats stats = delta(previous, now);
    previous = now;
    return new StandardMetrics(ListeningPorts.of(List.copyOf(tcpPorts)), ListeningPorts.of(List.copyOf(udpPorts)),
        stats, TcpConnections.of(established));
  }

  private NetworkStats delta(Map<String, Counters> before, Map<String, Counters> after) {
    long bi = 0;
    long bo = 0;
    long pi = 0;
    long po = 0;
    for (Map.Entry<String, Counters> e : after.entrySet()) {
      if (excluded.contains(e.getKey())) {
        continue;
      }
      Counters a = e.getValue();
      Counters b = before.getOrDefault(e.getKey(), new Counters(0, 0, 0, 0));
      bi += since(b.bytesIn(), a.bytesIn());
      bo += since(b.bytesOut(), a.bytesOut());
      pi += since(b.packetsIn(), a.packetsIn());
      po += since(b.packetsOut(), a.packetsOut());
    }
    return new NetworkStats(bi, bo, pi, po);
  }

  /** A counter's growth; a counter that went down was reset (or wrapped), so all of it is new. */
  private static long since(long before, long after) {
    long d = after - before;
    return d >= 0 ? d : Math.max(0, after);
  }

  private Map<String, Counters> counters() {
    try {
      return ProcNet.devices(Files.readAllLines(procNet.resolve("dev")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + procNet.resolve("dev") + ": " + e.getMessage(), e);
    }
  }

  private List<Socket> sockets(String v4, String v6) {
    List<Socket> out = new ArrayList<>();
    try {
      out.addAll(ProcNet.sockets(Files.readAllLines(procNet.resolve(v4)), order));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + procNet.resolve(v4) + ": " + e.getMessage(), e);
    }
    try {
      out.addAll(ProcNet.sockets(Files.readAllLines(procNet.resolve(v6)), order));
    } catch (NoSuchFileException e) {
      // IPv6 is disabled on this machine
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + procNet.resolve(v6) + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** {@code ip:port}, or {@code [ipv6]:port}. */
  static String addressAndPort(InetAddress address, int port) {
    String host = address.getHostAddress();
    if (address instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
    }
    return host + ":" + port;
  }

  private static String systemInterface(InetAddress address) {
    try {
      NetworkInterface n = NetworkInterface.getByInetAddress(address);
      if (n != null) {
        return n.getName();
      }
      return address.isLoopbackAddress() ? "lo" : null;
    } catch (SocketException e) {
      return null;
    }
  }
}
