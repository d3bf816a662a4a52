package dev.thingbridge.twin.shadows;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@code ListNamedShadowsForThing}.
 *
 * @param results the shadow names of this page, in name order
 * @param nextToken the token for the next page, or null on the last page
 * @param timestamp when the list was made, epoch seconds
 */
public record NamedShadowPage(List<String> results, String nextToken, long timestamp) {
  public NamedShadowPage {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }

  /** The next page's token, empty on the last page. */
  public Optional<String> next() {
    return Optional.ofNullable(nextToken);
  }
}
