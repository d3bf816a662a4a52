package dev.thingbridge.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.defender.internal.ProcNet;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxNetworkMetricsTest {
  private static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
  private static final String TCP6_HEADER = "  sl  local_address                         remote_address"
      + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
  private static final String DEV_HEADER = "Inter-|   Receive                                                |  Transmit\n"
      + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

  @TempDir Path dir;

  private void write(String name, String content) throws Exception {
    Files.writeString(dir.resolve(name), content);
  }

  private static String dev(long loIn, long ethIn, long ethPktIn, long ethOut, long ethPktOut) {
    return DEV_HEADER
        + "    lo: " + loIn + " 10 0 0 0 0 0 0 " + loIn + " 10 0 0 0 0 0 0\n"
        + "  eth0: " + ethIn + " " + ethPktIn + " 0 0 0 0 0 0 " + ethOut + " " + ethPktOut + " 0 0 0 0 0 0\n";
  }

  @Test
  void parses_sockets_of_both_families_in_little_endian_order() throws Exception {
    List<ProcNet.Socket> v4 = ProcNet.sockets(List.of(TCP_HEADER,
        "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1170 1 x 100 0 0 10 0",
        "   1: 0100007F:557B 0100007F:C66E 01 00000000:00000000 00:00000000 00000000   102        0 32669 1 x 20 4 27 14 -1",
        "garbage line", "   2: ZZZZ:1 0:0 0A"), ByteOrder.LITTLE_ENDIAN);
    assertThat(v4).containsExactly(
        new ProcNet.Socket(InetAddress.getByName("0.0.0.0"), 2024, InetAddress.getByName("0.0.0.0"), 0, 0x0A),
        new ProcNet.Socket(InetAddress.getByName("127.0.0.1"), 0x557B, InetAddress.getByName("127.0.0.1"), 0xC66E, 1));
    List<ProcNet.Socket> v6 = ProcNet.sockets(List.of(TCP6_HEADER,
        "   0: 0000000000000000FFFF00000100007F:AA65 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1",
        "   1: 00000000000000000000000001000000:557B 000080FE00000000FF00FC00010000FE:0050 01 0 0 0 0 0 1"),
        ByteOrder.LITTLE_ENDIAN);
    assertThat(v6.get(0).localAddress()).isEqualTo(InetAddress.getByName("127.0.0.1")); // IPv4-mapped
    assertThat(v6.get(1).localAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(v6.get(1).remoteAddress()).isEqualTo(InetAddress.getByName("fe80::fc:ff:fe00:1"));
  }

  @Test
  void parses_device_counters_and_skips_the_headers() {
    assertThat(ProcNet.devices(List.of(dev(5, 100, 3, 40, 2).split("\n"))))
        .containsEntry("eth0", new ProcNet.Counters(100, 3, 40, 2)).containsKey("lo").hasSize(2);
  }

  @Test
  void collects_listening_ports_connections_and_traffic_deltas_from_files() throws Exception {
    write("tcp", TCP_HEADER + "\n"
        + "   0: 00000000:0016 00000000:0000 0A 0 0 0 0 0 1\n"
        + "   1: 0200000A:01BB 0100000A:1F40 01 0 0 0 0 0 1\n"
        + "   2: 0200000A:01BC 0100000A:1F41 06 0 0 0 0 0 1\n");
    write("tcp6", TCP6_HEADER + "\n"
        + "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1\n");
    write("udp", TCP_HEADER + "\n   0: 0200000A:14E9 00000000:0000 07 0 0 0 0 0 1\n"
        + "   1: 0200000A:9C40 0100000A:0035 01 0 0 0 0 0 1\n");
    write("dev", dev(1000, 100, 3, 40, 2));
    LinuxNetworkMetrics metrics = new LinuxNetworkMetrics(dir,
        a -> a.getHostAddress().equals("10.0.0.2") ? "eth0" : null, Set.of("lo"), ByteOrder.LITTLE_ENDIAN);
    write("dev", dev(5000, 160, 5, 100, 4));
    StandardMetrics m = metrics.collect();
    assertThat(m.listeningTcpPorts()).isEqualTo(ListeningPorts.of(List.of(new ListeningPort(22, null))));
    assertThat(m.listeningUdpPorts()).isEqualTo(ListeningPorts.of(List.of(new ListeningPort(5353, "eth0"))));
    assertThat(m.tcpConnections()).isEqualTo(TcpConnections.of(List.of(new TcpConnection("10.0.0.1:8000", 443, "eth0"))));
    assertThat(m.networkStats()).isEqualTo(new NetworkStats(60L, 60L, 2L, 2L)); // loopback left out
    write("dev", dev(5000, 150, 5, 130, 5)); // eth0's bytes-in counter was reset
    assertThat(metrics.collect().networkStats()).isEqualTo(new NetworkStats(150L, 30L, 0L, 1L));
  }

  @Test
  void missing_ipv6_files_count_as_empty_but_a_missing_tcp_file_is_an_error() throws Exception {
    write("tcp", TCP_HEADER + "\n");
    write("udp", TCP_HEADER + "\n");
    write("dev", dev(1, 1, 1, 1, 1));
    LinuxNetworkMetrics metrics = new LinuxNetworkMetrics(dir, a -> null, Set.of(), ByteOrder.LITTLE_ENDIAN);
    assertThat(metrics.collect().listeningTcpPorts().total()).isZero();
    Files.delete(dir.resolve("tcp"));
    assertThatThrownBy(metrics::collect).isInstanceOf(UncheckedIOException.class).hasMessageContaining("tcp");
  }

  @Test
  void reads_the_real_proc_files_of_this_machine() throws Exception {
    LinuxNetworkMetrics metrics = new LinuxNetworkMetrics(Path.of("/proc/net"),
        a -> a.isLoopbackAddress() ? "lo" : null, Set.of(), ByteOrder.nativeOrder());
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      byte[] data = new byte[100_000];
      OutputStream out = client.getOutputStream();
      out.write(data);
      out.flush();
      InputStream in = accepted.getInputStream();
      int read = 0;
      while (read < data.length) {
        read += in.read(new byte[65536]);
      }
      StandardMetrics m = new LinuxNetworkMetrics(Path.of("/proc/net"),
          a -> a.isLoopbackAddress() ? "lo" : null, Set.of(), ByteOrder.nativeOrder()).collect();
      StandardMetrics delta = metrics.collect();
      assertThat(m.listeningTcpPorts().ports()).contains(new ListeningPort(server.getLocalPort(), "lo"));
      assertThat(m.listeningUdpPorts().ports()).contains(new ListeningPort(udp.getLocalPort(), "lo"));
      assertThat(m.tcpConnections().connections()).contains(
          new TcpConnection("127.0.0.1:" + server.getLocalPort(), client.getLocalPort(), "lo"),
          new TcpConnection("127.0.0.1:" + client.getLocalPort(), server.getLocalPort(), "lo"));
      assertThat(delta.networkStats().bytesIn()).isGreaterThanOrEqualTo(data.length); // loopback counted here
      assertThat(delta.networkStats().packetsOut()).isPositive();
      assertThat(m.listeningTcpPorts().total()).isEqualTo(m.listeningTcpPorts().ports().size());
    }
  }
}
