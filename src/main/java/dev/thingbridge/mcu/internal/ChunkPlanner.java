package dev.thingbridge.mcu.internal;

import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.smp.SmpHeader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds upload chunk bodies as large as the device's buffer takes: the largest {@code data} such that header and
 * CBOR fit {@code maxMessage} (console framing: buffer size − 4). Non-final chunks carry a multiple of 8 bytes, so
 * devices that write only whole flash words (MCUboot recovery) need not make the gateway resend a tail.
 */
public final class ChunkPlanner {
  private static final int ALIGN = 8;

  private final int maxMessage;
  private final byte[] file;
  private final byte[] sha;
  private final boolean upgrade;
  private final int[] capacity = new int[5];

  public ChunkPlanner(int maxMessage, byte[] file, byte[] sha, boolean upgrade) {
    this.maxMessage = maxMessage;
    this.file = file;
    this.sha = sha;
    this.upgrade = upgrade;
    if (chunkData(true, 0) < ALIGN) {
      throw new IllegalArgumentException("an SMP buffer of this size cannot carry upload chunks");
    }
  }

  /** The body of the chunk at {@code off}; the first chunk ({@code off == 0}) also names image, length and sha. */
  public Map<String, Object> chunk(long off) {
    int n = chunkData(off == 0, off);
    Map<String, Object> body = fields(off == 0, off);
    body.put("data", Arrays.copyOfRange(file, (int) off, (int) off + n));
    if (off == 0 && upgrade) {
      body.put("upgrade", true);
    }
    return body;
  }

  /** Data bytes the chunk at {@code off} carries. */
  public int chunkData(boolean first, long off) {
    int sizeClass = first ? 0 : off < 24 ? 1 : off < 256 ? 2 : off < 65536 ? 3 : 4;
    if (capacity[sizeClass] == 0) {
      capacity[sizeClass] = capacity(first, off); // the same for every offset that encodes in as many bytes
    }
    long remaining = file.length - off;
    int best = capacity[sizeClass];
    return best >= remaining ? (int) remaining : best / ALIGN * ALIGN;
  }

  private int capacity(boolean first, long off) {
    Map<String, Object> empty = fields(first, off);
    empty.put("data", new byte[0]);
    if (first && upgrade) {
      empty.put("upgrade", true);
    }
    int fixed = SmpHeader.SIZE + SmpCbor.encode(empty).length - 1; // minus the empty byte string's header
    int best = 0;
    for (int header : new int[] {1, 2, 3, 5}) {
      int limit = header == 1 ? 23 : header == 2 ? 255 : header == 3 ? 65535 : Integer.MAX_VALUE;
      int n = Math.min(limit, maxMessage - fixed - header);
      best = Math.max(best, n);
    }
    return best;
  }

  private Map<String, Object> fields(boolean first, long off) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (first) {
      body.put("image", 0);
      body.put("len", file.length);
      body.put("off", 0);
      body.put("sha", sha);
    } else {
      body.put("off", off);
    }
    return body;
  }
}
