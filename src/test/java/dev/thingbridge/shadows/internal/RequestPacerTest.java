package dev.thingbridge.shadows.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestPacerTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong now = new AtomicLong();
  private final List<String> started = new ArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private CompletableFuture<String> request(RequestPacer pacer, Priority priority, String name,
      CompletableFuture<String> reply) {
    return pacer.submit(priority, () -> {
      synchronized (started) {
        started.add(name);
      }
      return reply;
    });
  }

  @Test
  void no_more_than_max_in_flight_requests_wait_for_replies() {
    RequestPacer pacer = new RequestPacer(scheduler, now::get, 1_000_000, 1_000, 2);
    List<CompletableFuture<String>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      CompletableFuture<String> reply = new CompletableFuture<>();
      replies.add(reply);
      request(pacer, Priority.URGENT, "r" + i, reply);
    }
    assertThat(started).containsExactly("r0", "r1");
    assertThat(pacer.queued()).isEqualTo(3);

    replies.get(0).complete("ok");
    pacer.pump();
    assertThat(started).containsExactly("r0", "r1", "r2");
    assertThat(pacer.inFlight()).isEqualTo(2);
  }

  @Test
  void the_rate_holds_requests_back_until_tokens_refill_and_urgent_ones_overtake_background_ones() {
    RequestPacer pacer = new RequestPacer(scheduler, now::get, 2, 2, 100);
    for (int i = 0; i < 4; i++) {
      request(pacer, Priority.BACKGROUND, "get" + i, CompletableFuture.completedFuture("ok"));
    }
    assertThat(started).containsExactly("get0", "get1");
    request(pacer, Priority.URGENT, "ack", CompletableFuture.completedFuture("ok"));
    assertThat(started).containsExactly("get0", "get1");

    now.addAndGet(500_000_000L); // half a second: one token at 2/s
    pacer.pump();
    assertThat(started).containsExactly("get0", "get1", "ack");
    now.addAndGet(1_000_000_000L);
    pacer.pump();
    assertThat(started).containsExactly("get0", "get1", "ack", "get2", "get3");
  }

  @Test
  void close_fails_what_is_still_queued_and_lets_started_requests_finish() {
    RequestPacer pacer = new RequestPacer(scheduler, now::get, 1_000, 1_000, 1);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> a = request(pacer, Priority.URGENT, "a", first);
    CompletableFuture<String> b = request(pacer, Priority.URGENT, "b", new CompletableFuture<>());

    pacer.close(new IllegalStateException("closed"));
    assertThat(b).isCompletedExceptionally();
    assertThat(a).isNotDone();
    first.complete("reply");
    assertThat(a).isCompletedWithValue("reply");
    assertThat(started).containsExactly("a");
    assertThat(request(pacer, Priority.URGENT, "c", new CompletableFuture<>()))
        .failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class);
  }
}
