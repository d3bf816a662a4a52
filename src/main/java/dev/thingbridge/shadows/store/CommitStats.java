package dev.thingbridge.shadows.store;

/**
 * Batches a {@link FileKeyValueStore} wrote, the journal fsyncs that made them durable, and the checkpoints its own
 * thread completed meanwhile (see {@link FileKeyValueStore#commitStats()}).
 *
 * @param batches batches written (acknowledged to their writers)
 * @param syncs fsyncs of the journal, each covering one group of batches
 * @param checkpoints checkpoints completed in the background (key files written, a sealed journal deleted)
 */
public record CommitStats(long batches, long syncs, long checkpoints) {
  /** What was written between {@code earlier} and this. */
  public CommitStats minus(CommitStats earlier) {
    return new CommitStats(batches - earlier.batches, syncs - earlier.syncs, checkpoints - earlier.checkpoints);
  }
}
