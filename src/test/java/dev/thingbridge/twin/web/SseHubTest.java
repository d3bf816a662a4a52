package dev.thingbridge.twin.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event streams' buffers and life cycle, with sinks standing in for the HTTP responses: a browser that
 * stops reading costs a bounded buffer and is cut off without the sender ever waiting; a browser that goes
 * away is forgotten, writer thread and all.
 */
class SseHubTest {
  private static final Duration LONG_HEARTBEAT = Duration.ofSeconds(30);
  // Generous: these waits end as soon as the event happens; the bound matters only on a loaded machine.
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<SseHub> hubs = new ArrayList<>();

  @AfterEach
  void closeHubs() {
    hubs.forEach(SseHub::close);
  }

  private SseHub hub(int maxClients, int maxEvents, long maxBytes, Duration heartbeat) {
    SseHub hub = new SseHub(new SseSettings(maxClients, maxEvents, maxBytes, heartbeat));
    hubs.add(hub);
    return hub;
  }

  private static byte[] event(String text) {
    return ("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_browser_that_stops_reading_is_cut_off_when_its_buffer_is_full_and_the_sender_never_waits()
      throws Exception {
    SseHub hub = hub(4, 8, 1 << 20, LONG_HEARTBEAT);
    StuckSink stuck = new StuckSink();
    RecordingSink healthy = new RecordingSink();
    SseClient slow = hub.open(stuck).orElseThrow();
    SseClient fast = hub.open(healthy).orElseThrow();
    hub.activate(slow);
    hub.activate(fast);

    hub.broadcast(event("first"));
    assertThat(stuck.writing.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the slow client's writer is stuck in a write").isTrue();
    long broadcastNanos = 0;
    for (int i = 0; i < 20; i++) {
      long started = System.nanoTime();
      hub.broadcast(event("e" + i));
      broadcastNanos += System.nanoTime() - started;
      // The healthy browser keeps up (its writer drains between events); the stuck one cannot.
      await().atMost(WAIT).until(() -> fast.queued() == 0);
    }

    assertThat(broadcastNanos / 1_000_000).as("20 broadcasts never wait for the stuck write").isLessThan(1_000);
    assertThat(slow.isOpen()).isFalse();
    assertThat(slow.queued()).as("its buffer is dropped").isZero();
    assertThat(slow.awaitClosed(WAIT.toMillis())).as("the stuck write was interrupted and the writer ended").isTrue();
    assertThat(stuck.interrupted.get()).isTrue();
    assertThat(stuck.closed.get()).isTrue();
    await().atMost(WAIT).until(() -> hub.clientCount() == 1);
    // The healthy client got every event, in order.
    await().atMost(WAIT).until(() -> healthy.text().contains("data: e19"));
    assertThat(healthy.text()).containsSubsequence("data: first", "data: e0", "data: e1", "data: e19");
    assertThat(fast.isOpen()).isTrue();
  }

  @Test
  void the_byte_bound_cuts_off_a_slow_browser_before_the_event_count_does() throws Exception {
    SseHub hub = hub(4, 10_000, 4_096, LONG_HEARTBEAT);
    StuckSink stuck = new StuckSink();
    SseClient slow = hub.open(stuck).orElseThrow();
    hub.activate(slow);
    hub.broadcast(event("x"));
    assertThat(stuck.writing.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    byte[] kilobyte = event("y".repeat(1_000));
    int accepted = 0;
    while (slow.offer(kilobyte)) {
      accepted++;
      assertThat(accepted).as("bounded by bytes").isLessThan(100);
    }
    assertThat(accepted).isBetween(3, 4);
    assertThat(slow.awaitClosed(WAIT.toMillis())).isTrue();
    await().atMost(WAIT).until(() -> hub.clientCount() == 0);
  }

  @Test
  void an_event_larger_than_the_byte_bound_still_reaches_a_client_that_has_nothing_waiting() throws Exception {
    SseHub hub = hub(4, 16, 1_024, LONG_HEARTBEAT);
    RecordingSink sink = new RecordingSink();
    SseClient c = hub.open(sink).orElseThrow();
    assertThat(c.offer(event("s".repeat(10_000)))).isTrue();
    await().atMost(WAIT).until(() -> sink.text().length() > 10_000);
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void a_browser_that_went_away_is_forgotten_at_the_next_write() throws Exception {
    SseHub hub = hub(4, 16, 1 << 20, LONG_HEARTBEAT);
    RecordingSink sink = new RecordingSink();
    SseClient c = hub.open(sink).orElseThrow();
    hub.activate(c);
    hub.broadcast(event("one"));
    await().atMost(WAIT).until(() -> sink.text().contains("one"));

    sink.gone.set(true);
    hub.broadcast(event("two"));

    assertThat(c.awaitClosed(WAIT.toMillis())).as("writer thread ended").isTrue();
    assertThat(sink.closed.get()).isTrue();
    await().atMost(WAIT).until(() -> hub.clientCount() == 0);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("thingbridge-twin-web-sse-"
        + c.id()));
  }

  @Test
  void a_silent_stream_sends_heartbeats_which_find_out_a_browser_that_went_away() throws Exception {
    SseHub hub = hub(4, 16, 1 << 20, Duration.ofMillis(50));
    RecordingSink sink = new RecordingSink();
    SseClient c = hub.open(sink).orElseThrow();
    await().atMost(WAIT).until(() -> sink.text().contains(": keep-alive\n\n"));

    sink.gone.set(true);

    assertThat(c.awaitClosed(WAIT.toMillis())).isTrue();
    await().atMost(WAIT).until(() -> hub.clientCount() == 0);
  }

  @Test
  void streams_beyond_the_limit_are_refused_until_one_closes() throws Exception {
    SseHub hub = hub(2, 16, 1 << 20, LONG_HEARTBEAT);
    SseClient a = hub.open(new RecordingSink()).orElseThrow();
    hub.open(new RecordingSink()).orElseThrow();
    assertThat(hub.hasRoom()).isFalse();
    assertThat(hub.open(new RecordingSink())).isEmpty();

    a.close("test");
    assertThat(a.awaitClosed(WAIT.toMillis())).isTrue();
    await().atMost(WAIT).until(hub::hasRoom);
    assertThat(hub.open(new RecordingSink())).isPresent();
  }

  @Test
  void only_activated_streams_get_broadcasts_and_closing_the_hub_ends_every_stream() throws Exception {
    SseHub hub = hub(4, 16, 1 << 20, LONG_HEARTBEAT);
    RecordingSink pendingSink = new RecordingSink();
    RecordingSink liveSink = new RecordingSink();
    SseClient pending = hub.open(pendingSink).orElseThrow();
    SseClient live = hub.open(liveSink).orElseThrow();
    hub.activate(live);

    hub.broadcast(event("update"));
    await().atMost(WAIT).until(() -> liveSink.text().contains("update"));
    assertThat(pendingSink.text()).isEmpty();

    hub.close();
    assertThat(pending.awaitClosed(WAIT.toMillis())).isTrue();
    assertThat(live.awaitClosed(WAIT.toMillis())).isTrue();
    assertThat(pendingSink.closed.get()).isTrue();
    assertThat(liveSink.closed.get()).isTrue();
    assertThat(hub.clientCount()).isZero();
    assertThat(hub.open(new RecordingSink())).as("a closed hub opens nothing").isEmpty();
  }

  /** A browser that reads everything, until it goes away. */
  private static final class RecordingSink implements EventSink {
    private final StringBuffer received = new StringBuffer();
    final AtomicBoolean gone = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void write(byte[] bytes) throws IOException {
      if (gone.get()) {
        throw new IOException("Broken pipe");
      }
      received.append(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      closed.set(true);
    }

    String text() {
      return received.toString();
    }
  }

  /** A browser that stopped reading: the first write blocks until the writer is interrupted. */
  private static final class StuckSink implements EventSink {
    final CountDownLatch writing = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void write(byte[] bytes) throws IOException {
      writing.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw new InterruptedIOException("write interrupted");
      }
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
