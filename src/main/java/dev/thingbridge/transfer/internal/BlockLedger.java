package dev.thingbridge.transfer.internal;

import java.util.BitSet;

/**
 * Which blocks of one file have been received (a bit per block of the whole file), and the size rule every
 * block must meet: all blocks have {@code blockSize} bytes except the last, which has the rest.
 */
public final class BlockLedger {
  private final long fileSize;
  private final int blockSize;
  private final int totalBlocks;
  private final BitSet received;
  private int count;

  public BlockLedger(long fileSize, int blockSize, BitSet received) {
    if (fileSize < 1) {
      throw new IllegalArgumentException("file size must be positive: " + fileSize);
    }
    long blocks = (fileSize + blockSize - 1) / blockSize;
    if (blocks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many blocks: " + blocks);
    }
    this.fileSize = fileSize;
    this.blockSize = blockSize;
    this.totalBlocks = (int) blocks;
    this.received = received == null ? new BitSet(totalBlocks) : (BitSet) received.clone();
    if (this.received.length() > totalBlocks) {
      this.received.clear(totalBlocks, this.received.length());
    }
    this.count = this.received.cardinality();
  }

  public long fileSize() {
    return fileSize;
  }

  public int blockSize() {
    return blockSize;
  }

  public int totalBlocks() {
    return totalBlocks;
  }

  public int receivedCount() {
    return count;
  }

  public int remaining() {
    return totalBlocks - count;
  }

  public boolean isComplete() {
    return count == totalBlocks;
  }

  /** The size block {@code id} must have: {@code blockSize}, or the rest for the last one; -1 if out of range. */
  public int expectedSize(long id) {
    if (id < 0 || id >= totalBlocks) {
      return -1;
    }
    return id < totalBlocks - 1 ? blockSize : (int) (fileSize - (long) (totalBlocks - 1) * blockSize);
  }

  /** rustot's rule: block {@code id} is valid iff it is in range and has the size its position demands. */
  public boolean isValid(long id, int size) {
    return expectedSize(id) == size;
  }

  public boolean has(long id) {
    return id >= 0 && id < totalBlocks && received.get((int) id);
  }

  /** Marks a block received; false if it already was. */
  public boolean mark(long id) {
    if (has(id)) {
      return false;
    }
    received.set(Math.toIntExact(id));
    count++;
    return true;
  }

  /** The lowest block not yet received at or after {@code from}, or -1 when there is none. */
  public long nextMissing(long from) {
    int k = received.nextClearBit((int) Math.max(0, from));
    return k >= totalBlocks ? -1 : k;
  }

  /** A copy of the received bits. */
  public BitSet snapshot() {
    return (BitSet) received.clone();
  }

  /** The received bits, as the live set (read-only use). */
  public BitSet bits() {
    return received;
  }
}
