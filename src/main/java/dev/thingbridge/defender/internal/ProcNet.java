package dev.thingbridge.defender.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsers of Linux's {@code /proc/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6} and {@code dev}
 * (proc(5)). Lines that do not parse are skipped, so a kernel that adds columns does not break the reader.
 */
public final class ProcNet {
  /** {@code TCP_ESTABLISHED} in the {@code st} column. */
  public static final int TCP_ESTABLISHED = 0x01;
  /** {@code TCP_LISTEN} in the {@code st} column. */
  public static final int TCP_LISTEN = 0x0A;

  private ProcNet() {}

  /** One socket line. */
  public record Socket(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort, int state) {}

  /** One interface's counters, totals since boot. */
  public record Counters(long bytesIn, long packetsIn, long bytesOut, long packetsOut) {}

  /**
   * The sockets of a {@code tcp}/{@code udp} (IPv4) or {@code tcp6}/{@code udp6} file. Addresses are in the
   * kernel's byte order, which is the machine's.
   */
  public static List<Socket> sockets(List<String> lines, ByteOrder order) {
    List<Socket> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":")) {
        continue; // the header, or something this parser does not know
      }
      try {
        String[] local = f[1].split(":");
        String[] remote = f[2].split(":");
        if (local.length != 2 || remote.length != 2) {
          continue;
        }
        out.add(new Socket(address(local[0], order), Integer.parseInt(local[1], 16), address(remote[0], order),
            Integer.parseInt(remote[1], 16), Integer.parseInt(f[3], 16)));
      } catch (IllegalArgumentException | UnknownHostException e) {
        // a malformed line: skip it
      }
    }
    return out;
  }

  /** The counters of every interface in {@code /proc/net/dev}, in file order. */
  public static Map<String, Counters> devices(List<String> lines) {
    Map<String, Counters> out = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (name.isEmpty() || f.length < 10) {
        continue;
      }
      try {
        out.put(name, new Counters(Long.parseUnsignedLong(f[0]), Long.parseUnsignedLong(f[1]),
            Long.parseUnsignedLong(f[8]), Long.parseUnsignedLong(f[9])));
      } catch (NumberFormatException e) {
        // a malformed line: skip it
      }
    }
    return out;
  }

  /** An address column: 8 hex digits (IPv4) or 32 (IPv6, four 32-bit words), each word in {@code order}. */
  static InetAddress address(String hex, ByteOrder order) throws UnknownHostException {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new IllegalArgumentException("address of " + hex.length() + " hex digits");
    }
    ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2);
    for (int i = 0; i < hex.length(); i += 8) {
      int word = Integer.parseUnsignedInt(hex.substring(i, i + 8), 16);
      bytes.putInt(order == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(word) : word);
    }
    return InetAddress.getByAddress(bytes.array());
  }
}
