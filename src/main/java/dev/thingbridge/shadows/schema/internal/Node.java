package dev.thingbridge.shadows.schema.internal;

/**
 * One node of a derived shadow model: an atomic {@link LeafNode}, an object with named fields
 * ({@link StructNode}), a string-keyed map ({@link MapNode}) or a tagged union ({@link UnionNode}).
 */
public sealed interface Node permits LeafNode, StructNode, MapNode, UnionNode {
  /** A fresh (or immutable) default value of this node. */
  Object defaultValue();

  /** The canonical shape of this node, the input of the schema fingerprint. */
  String descriptor();
}
