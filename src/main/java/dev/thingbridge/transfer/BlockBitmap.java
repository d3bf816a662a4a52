package dev.thingbridge.transfer;

import java.util.BitSet;

/**
 * The blocks still wanted from one window of a file: bit {@code k} stands for block {@code offset + k}. This
 * is the {@code b} of a GetStream request, sent as {@code ceil(size / 8)} bytes with bit 0 the least
 * significant bit of the first byte (little-endian), so rustot's 31-block window is four bytes, {@code FF FF FF
 * 7F} when every block is wanted.
 *
 * <p>Mutable; owned by one download.
 */
public final class BlockBitmap {
  private final long offset;
  private final int size;
  private final BitSet wanted;

  private BlockBitmap(long offset, int size, BitSet wanted) {
    this.offset = offset;
    this.size = size;
    this.wanted = wanted;
  }

  /**
   * A window of {@code windowBlocks} blocks starting at {@code offset}, every block in the file wanted: the
   * low {@code min(windowBlocks, totalBlocks - offset)} bits set.
   */
  public static BlockBitmap window(long offset, int windowBlocks, long totalBlocks) {
    if (offset < 0 || offset >= totalBlocks) {
      throw new IllegalArgumentException("offset " + offset + " outside 0.." + (totalBlocks - 1));
    }
    BitSet bits = new BitSet(windowBlocks);
    bits.set(0, (int) Math.min(windowBlocks, totalBlocks - offset));
    return new BlockBitmap(offset, windowBlocks, bits);
  }

  /**
   * A window of {@code windowBlocks} blocks from {@code offset} wanting the blocks not yet in {@code
   * received} (a bit per block of the whole file), within {@code totalBlocks}.
   */
  public static BlockBitmap missing(long offset, int windowBlocks, long totalBlocks, BitSet received) {
    BitSet bits = new BitSet(windowBlocks);
    int end = (int) Math.min(windowBlocks, totalBlocks - offset);
    for (int k = 0; k < end; k++) {
      if (!received.get(Math.toIntExact(offset + k))) {
        bits.set(k);
      }
    }
    return new BlockBitmap(offset, windowBlocks, bits);
  }

  /** The first block of the window ({@code o}). */
  public long offset() {
    return offset;
  }

  /** The window's size in blocks. */
  public int size() {
    return size;
  }

  /** Whether no block of the window is wanted any more. */
  public boolean isEmpty() {
    return wanted.isEmpty();
  }

  /** How many blocks of the window are still wanted. */
  public int count() {
    return wanted.cardinality();
  }

  /** Whether block {@code block} (a file-wide index) is wanted. */
  public boolean wants(long block) {
    long k = block - offset;
    return k >= 0 && k < size && wanted.get((int) k);
  }

  /** Marks block {@code block} received; false if it was not wanted (outside the window, or a duplicate). */
  public boolean clear(long block) {
    if (!wants(block)) {
      return false;
    }
    wanted.clear((int) (block - offset));
    return true;
  }

  /** The lowest wanted block (file-wide index), or -1. */
  public long lowest() {
    int k = wanted.nextSetBit(0);
    return k < 0 ? -1 : offset + k;
  }

  /** The next wanted block at or after {@code block}, or -1. */
  public long nextWanted(long block) {
    int k = wanted.nextSetBit((int) Math.max(0, block - offset));
    return k < 0 || k >= size ? -1 : offset + k;
  }

  /** The bitmap as sent: {@code ceil(size / 8)} bytes, little-endian. */
  public byte[] toBytes() {
    byte[] out = new byte[(size + 7) / 8];
    byte[] set = wanted.toByteArray();
    System.arraycopy(set, 0, out, 0, Math.min(set.length, out.length));
    return out;
  }

  @Override
  public String toString() {
    return "BlockBitmap[offset " + offset + ", " + count() + "/" + size + " wanted]";
  }
}
