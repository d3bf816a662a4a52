package dev.thingbridge.twin.things;

import java.util.List;

/**
 * One page of ListThings.
 *
 * @param things the things on this page, by name
 * @param nextToken the token for the next page, or null on the last page
 */
public record ThingPage(List<Thing> things, String nextToken) {
  public ThingPage {
    things = List.copyOf(things);
  }
}
