package dev.thingbridge.transfer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code Content-Range} headers: the ranges servers send, and the ones that must be refused instead of thrown on. */
class ContentRangeTest {
  @Test
  void well_formed_ranges_parse_and_answer_what_was_asked() {
    ContentRange r = ContentRange.parse("bytes 1024-2047/5000").orElseThrow();
    assertThat(r).isEqualTo(new ContentRange(1024, 2047, 5000));
    assertThat(r.answers(1024, 4095, 5000)).as("a shorter range is taken").isTrue();
    assertThat(r.answers(0, 4095, 5000)).as("another start").isFalse();
    assertThat(r.answers(1024, 2000, 5000)).as("more than asked").isFalse();
    assertThat(r.answers(1024, 2047, 6000)).as("another file").isFalse();
    assertThat(ContentRange.parse(" bytes 0-9/* ").orElseThrow().answers(0, 9, 123)).isTrue();
  }

  @Test
  void malformed_overflowing_or_contradictory_ranges_are_empty() {
    for (String h : new String[] {null, "", "bytes */5000", "bytes 5-4/10", "bytes 0-10/10", "items 0-1/2",
        "bytes 99999999999999999999-1/5", "bytes 0-1/99999999999999999999", "bytes -1-2/3", "bytes 0-1/2junk"}) {
      assertThat(ContentRange.parse(h)).as(String.valueOf(h)).isEmpty();
    }
  }
}
