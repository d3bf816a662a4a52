package dev.thingbridge.twin;

import java.util.List;

/**
 * Hears what the twin committed (see {@link Twin#addChangeListener}). Called on the thread that committed,
 * after the operations' replies went out: return at once, never block and never call the twin from here;
 * hand the work to a thread of your own.
 */
@FunctionalInterface
public interface TwinChangeListener {
  /** The rows one commit wrote, in order; the same row may appear more than once. */
  void onCommitted(List<TwinChange> changes);
}
