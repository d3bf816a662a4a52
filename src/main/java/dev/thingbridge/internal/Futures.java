package dev.thingbridge.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for {@link java.util.concurrent.CompletableFuture} failures, shared by every package. */
public final class Futures {
  private Futures() {}

  /**
   * The failure under {@link CompletionException} and {@link ExecutionException} wrappers: what a caller
   * reports or branches on. A wrapper without a cause is returned as it is.
   */
  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
