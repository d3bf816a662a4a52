package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The matcher the recipe tests rely on behaves as the nucleus documents its policy resources. */
class NucleusResourceMatcherTest {
  @Test
  void plus_matches_exactly_one_level() {
    assertThat(NucleusResourceMatcher.mqtt("$aws/things/+/shadow/get", "$aws/things/t1/shadow/get")).isTrue();
    assertThat(NucleusResourceMatcher.mqtt("$aws/things/+/shadow/get", "$aws/things/a/b/shadow/get")).isFalse();
    assertThat(NucleusResourceMatcher.mqtt("+/x", "a/x")).isTrue();
  }

  @Test
  void hash_matches_the_parent_and_any_number_of_levels() {
    assertThat(NucleusResourceMatcher.mqtt("a/b/#", "a/b")).isTrue();
    assertThat(NucleusResourceMatcher.mqtt("a/b/#", "a/b/c/d")).isTrue();
    assertThat(NucleusResourceMatcher.mqtt("a/b/#", "a/bc")).isFalse();
    assertThat(NucleusResourceMatcher.mqtt("#", "anything/at/all")).isTrue();
  }

  @Test
  void star_matches_any_characters_including_slashes() {
    assertThat(NucleusResourceMatcher.mqtt("$aws/things/+/jobs/*", "$aws/things/t/jobs/$next/get/accepted")).isTrue();
    assertThat(NucleusResourceMatcher.mqtt("a/*x", "a/b/c/x")).isTrue();
    assertThat(NucleusResourceMatcher.glob("thingbridge/*", "thingbridge/a/b")).isTrue();
    assertThat(NucleusResourceMatcher.glob("thingbridge/*", "thingbridgeX")).isFalse();
  }

  @Test
  void wildcards_inside_a_level_are_plain_characters() {
    assertThat(NucleusResourceMatcher.mqtt("a/b+/c", "a/b+/c")).isTrue();
    assertThat(NucleusResourceMatcher.mqtt("a/b+/c", "a/bx/c")).isFalse();
    assertThat(NucleusResourceMatcher.mqtt("a/#/c", "a/x/c")).isFalse();
  }

  @Test
  void glob_style_treats_mqtt_wildcards_literally() {
    assertThat(NucleusResourceMatcher.glob("a/+/c", "a/b/c")).isFalse();
    assertThat(NucleusResourceMatcher.glob("a/+/c", "a/+/c")).isTrue();
  }

  @Test
  void escapes_stand_for_the_literal_character() {
    assertThat(NucleusResourceMatcher.glob("a/${*}", "a/*")).isTrue();
    assertThat(NucleusResourceMatcher.glob("a/${*}", "a/b")).isFalse();
    assertThat(NucleusResourceMatcher.mqtt("${$}aws/x", "$aws/x")).isTrue();
  }
}
