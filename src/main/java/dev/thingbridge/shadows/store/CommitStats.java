package dev.thingbridge.shadows.store;

/**
 * Batches a {@link FileKeyValueStore} wrote and the journal fsyncs that made them durable (see
 * {@link FileKeyValueStore#commitStats()}).
 *
 * @param batches batches written (acknowledged to their writers)
 * @param syncs fsyncs of the journal, each covering one group of batches
 */
public record CommitStats(long batches, long syncs) {
  /** What was written between {@code earlier} and this. */
  public CommitStats minus(CommitStats earlier) {
    return new CommitStats(batches - earlier.batches, syncs - earlier.syncs);
  }
}
