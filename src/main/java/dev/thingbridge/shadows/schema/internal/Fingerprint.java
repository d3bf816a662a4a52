package dev.thingbridge.shadows.schema.internal;

import java.nio.charset.StandardCharsets;

/** FNV-1a 64-bit over a schema's canonical descriptor: stable across runs, JVMs and field declaration order. */
public final class Fingerprint {
  private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private Fingerprint() {}

  public static long fnv1a64(byte[] bytes) {
    long hash = OFFSET_BASIS;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= PRIME;
    }
    return hash;
  }

  /** The fingerprint of a node as 16 lowercase hex digits. */
  public static String of(Node node) {
    return String.format("%016x", fnv1a64(node.descriptor().getBytes(StandardCharsets.UTF_8)));
  }
}
