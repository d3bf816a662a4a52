package dev.thingbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    // rustot MQ-T1
    "x/y/z, x/y/z, true",
    "x/+/z, x/q/z, true",
    "x/+/z, x/q/w, false",
    "x/+/z, x/q/z/w, false",
    "#, x/y/z, true",
    "x/#, x/y/z, true",
    "x/y/#, x/y/z, true",
    "x/y/#, x/y/z/u/v, true",
    "x/y/#, x/k/z, false",
    "x/+/#, x/y/z/u, true",
    "+/+/+, x/y/z, true",
    "+/+/+, x/y/z/u, false",
    // MQTT 5 §4.7: '#' covers the parent level (rustot's router got this wrong)
    "x/y/#, x/y, true",
    "x/+, x/, true",
    "x/+, x, false",
    "x, x/y, false",
    "x/y, x, false",
    "+, /, false",
    "+/+, /, true",
    "/+, /x, true",
    // $ topics are hidden from leading wildcards only
    "#, $aws/things/t/shadow/get, false",
    "+/things/t/shadow/get, $aws/things/t/shadow/get, false",
    "$aws/things/+/shadow/#, $aws/things/t/shadow/get/accepted, true",
    "$aws/things/t/jobs/+/get/+, $aws/things/t/jobs/$next/get/accepted, true",
    "ab, abc, false",
    "abc, ab, false",
  })
  void matches_like_mqtt(String filter, String topic, boolean expected) {
    assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
  }

  /**
   * mayOverlap against brute force: every pair of filters over a small alphabet, and every topic of up to
   * three levels over it; whenever some topic matches both, mayOverlap must say so, and it must say no for
   * pairs no topic matches (it is exact on these).
   */
  @org.junit.jupiter.api.Test
  void may_overlap_agrees_with_matching() {
    java.util.List<String> levels = java.util.List.of("a", "b", "$s", "+", "#");
    java.util.List<String> filters = new java.util.ArrayList<>();
    java.util.List<String> topics = new java.util.ArrayList<>();
    for (String x : levels) {
      filters.add(x);
      for (String y : levels) {
        filters.add(x + "/" + y);
        for (String z : levels) {
          filters.add(x + "/" + y + "/" + z);
        }
      }
    }
    filters.removeIf(f -> f.contains("#/"));
    for (String f : filters) {
      if (!f.contains("+") && !f.contains("#")) {
        topics.add(f);
      }
    }
    for (String f : filters) {
      for (String g : filters) {
        boolean some = topics.stream().anyMatch(t -> Topics.matches(f, t) && Topics.matches(g, t));
        assertThat(Topics.mayOverlap(f, g)).as("%s vs %s", f, g).isEqualTo(some);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/#/b", "a/b#", "a+/b", "", "#/a", "a/++"})
  void rejects_malformed_filters(String filter) {
    assertThatThrownBy(() -> Topics.requireValidFilter(filter, 256)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/+", "a/#", "", "a\0b"})
  void rejects_malformed_topics(String topic) {
    assertThatThrownBy(() -> Topics.requireValidTopic(topic, 256)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void enforces_the_byte_limit() {
    String longTopic = "a".repeat(257);
    assertThatThrownBy(() -> Topics.requireValidTopic(longTopic, 256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("257 bytes");
    assertThat(Topics.requireValidTopic("a".repeat(256), 256)).hasSize(256);
  }
}
