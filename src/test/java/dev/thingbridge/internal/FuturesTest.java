package dev.thingbridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FuturesTest {
  @Test
  void unwrap_strips_completion_and_execution_wrappers_but_keeps_a_bare_one() {
    IllegalStateException cause = new IllegalStateException("boom");
    assertThat(Futures.unwrap(new CompletionException(new ExecutionException(cause)))).isSameAs(cause);
    CompletionException bare = new CompletionException("no cause", null);
    assertThat(Futures.unwrap(bare)).isSameAs(bare);
    assertThat(Futures.unwrap(cause)).isSameAs(cause);
  }
}
