package dev.thingbridge.shadows.schema.spec;

/** How a {@link TaggedUnion} names its variant in JSON. */
public enum Tagging {
  /**
   * The variant name is the single key of an object holding the content ({@code {"static":{"address":"…"}}});
   * a variant without content may also be the bare string ({@code "dhcp"}), which is how it is reported.
   */
  EXTERNAL,
  /** The tag is a field next to the content's own fields ({@code {"kind":"pair","x":1,"y":2}}). */
  INTERNAL,
  /** The tag and the content are two fields ({@code {"mode":"sio","config":{"polarity":true}}}). */
  ADJACENT
}
