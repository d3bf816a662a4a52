package dev.thingbridge.twin;

/**
 * Limits the twin enforces on devices. {@link #RELAXED} (the default in local mode) only guards against
 * runaway input; {@link #AWS} imitates AWS IoT Core's published limits, for benchmarks that compare with AWS.
 *
 * @param maxPayloadBytes largest request payload accepted
 * @param maxPublishesPerSecondPerThing requests per second per thing before throttling (AWS: 100 per connection)
 * @param maxBytesPerSecondPerThing request bytes per second per thing (AWS: 512 KiB per connection)
 * @param maxShadowStateBytes largest shadow {@code state} after the merge (AWS: 8 KiB)
 * @param maxShadowDepth deepest nesting of {@code desired} or {@code reported} (AWS: 6 levels under them)
 * @param enforceRates whether the two rate limits apply
 */
public record TwinLimits(
    int maxPayloadBytes,
    int maxPublishesPerSecondPerThing,
    int maxBytesPerSecondPerThing,
    int maxShadowStateBytes,
    int maxShadowDepth,
    boolean enforceRates) {

  /** AWS IoT Core's limits. */
  public static final TwinLimits AWS = new TwinLimits(128 * 1024, 100, 512 * 1024, 8 * 1024, 6, true);

  /**
   * Local mode: generous sizes (1 MiB documents, 32 levels) and no rate limits, so that local development is
   * not throttled; turn {@link #AWS} on to find out what AWS would refuse.
   */
  public static final TwinLimits RELAXED = new TwinLimits(1024 * 1024, Integer.MAX_VALUE, Integer.MAX_VALUE,
      1024 * 1024, 32, false);
}
