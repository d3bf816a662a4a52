package dev.thingbridge.twin;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * What a test asks of a twin beyond being a faithful cloud, in the way of OkHttp's MockWebServer: replies
 * scripted for the next request on a topic ({@link #enqueue}), the requests devices sent
 * ({@link #awaitRequest}), and a fault per topic ({@link #fault}: drop, delay, duplicate, stay silent).
 * Everything not scripted is answered by the twin's services as usual, so a test scripts only the corner it is
 * about (a lost acknowledgement, crossed versions, a GET that never comes back) and the twin stays the one fake
 * cloud.
 *
 * <p>A twin consults its script ({@link Twin.Builder#script}) for every request a device sends (not for
 * {@link Twin#publish}, which is the test's own voice) and for every message its services send. Thread-safe;
 * the history keeps the last {@value #HISTORY} requests.
 */
public final class TwinScript {
  /** How many requests the history keeps; older ones are forgotten. */
  public static final int HISTORY = 10_000;

  /**
   * A fault on the messages of a topic filter. {@link #SILENT} applies to the requests devices send on matching
   * topics; the others to the messages the twin sends on matching topics (replies and events).
   */
  public record Fault(Kind kind, Duration delay) {
    /** What happens. */
    public enum Kind {
      /** The twin sends nothing on the topic: a lost reply or event; the request was still handled. */
      DROP,
      /** The twin sends each message on the topic after {@link Fault#delay()}. */
      DELAY,
      /** The twin sends each message on the topic twice, as a QoS 1 re-delivery does. */
      DUPLICATE,
      /** The twin ignores requests on the topic: no state changes, no reply (they are still recorded). */
      SILENT
    }

    /** Loses the replies and events on the topic. */
    public static final Fault DROP = new Fault(Kind.DROP, Duration.ZERO);
    /** Sends the replies and events on the topic twice. */
    public static final Fault DUPLICATE = new Fault(Kind.DUPLICATE, Duration.ZERO);
    /** Ignores the requests on the topic. */
    public static final Fault SILENT = new Fault(Kind.SILENT, Duration.ZERO);

    public Fault {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("a delay cannot be negative");
      }
    }

    /** Sends the replies and events on the topic {@code by} late. */
    public static Fault delay(Duration by) {
      return new Fault(Kind.DELAY, by);
    }
  }

  private record Scripted(String filter, Function<MqttMessage, List<MqttMessage>> reply) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  /** Every request heard, oldest first; the taken ones stay for {@link #requests}. */
  private final Deque<Recorded> history = new ArrayDeque<>();
  private final List<Scripted> scripted = new ArrayList<>();
  private final Map<String, Fault> faults = new LinkedHashMap<>();
  private volatile byte[] refusedText;

  private static final class Recorded {
    final MqttMessage message;
    boolean taken;

    Recorded(MqttMessage message) {
      this.message = message;
    }
  }

  /**
   * Answers the next device request whose topic matches {@code requestFilter} with what {@code reply} returns for
   * it (often one message; none for a request that goes unanswered) instead of the twin's services: the request
   * changes nothing. Scripts are taken once each, in the order they were enqueued.
   */
  public void enqueue(String requestFilter, Function<MqttMessage, List<MqttMessage>> reply) {
    Topics.requireValidFilter(requestFilter, Topics.MQTT_MAX_TOPIC_BYTES);
    Objects.requireNonNull(reply, "reply");
    lock.lock();
    try {
      scripted.add(new Scripted(requestFilter, reply));
    } finally {
      lock.unlock();
    }
  }

  /** Puts {@code fault} on the messages of {@code filter}, replacing any fault on that same filter. */
  public void fault(String filter, Fault fault) {
    Topics.requireValidFilter(filter, Topics.MQTT_MAX_TOPIC_BYTES);
    Objects.requireNonNull(fault, "fault");
    lock.lock();
    try {
      faults.put(filter, fault);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the state directory's disk refuse every write of a commit holding {@code text} in one of its values
   * (a thing name, a job id, a status), as a full or failing disk would: the operations of that commit are
   * answered with the service's internal error and change nothing. Only for a twin with a state directory.
   * {@code null} lifts it.
   */
  public void refuseWritesContaining(String text) {
    refusedText = text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** True if the disk is to refuse this commit's bytes ({@link #refuseWritesContaining}). */
  boolean refusesWrite(byte[] record) {
    byte[] t = refusedText;
    if (t == null) {
      return false;
    }
    for (int i = 0; i + t.length <= record.length; i++) {
      if (java.util.Arrays.equals(record, i, i + t.length, t, 0, t.length)) {
        return true;
      }
    }
    return false;
  }

  /** Lifts the fault on {@code filter}; the twin behaves normally on its topics again. */
  public void clearFault(String filter) {
    lock.lock();
    try {
      faults.remove(filter);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The oldest request not yet taken whose topic matches {@code filter}, waiting up to {@code timeout} for one
   * to arrive; it is taken, so the next call returns the one after it.
   *
   * @throws TimeoutException when no such request arrives in time
   */
  public MqttMessage awaitRequest(String filter, Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        for (Recorded r : history) {
          if (!r.taken && Topics.matches(filter, r.message.topic())) {
            r.taken = true;
            return r.message;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no request on " + filter + " within " + timeout.toMillis() + " ms");
        }
        arrived.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Every request heard on topics matching {@code filter}, oldest first, taken or not. */
  public List<MqttMessage> requests(String filter) {
    lock.lock();
    try {
      return history.stream().map(r -> r.message).filter(m -> Topics.matches(filter, m.topic())).toList();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records a device request and decides who answers it: the twin's services (an empty result), or the script's
   * replies (the list, possibly empty for silence).
   *
   * @return {@code null} when the services handle it, otherwise the messages to send instead
   */
  List<MqttMessage> onRequest(MqttMessage request) {
    Function<MqttMessage, List<MqttMessage>> reply = null;
    lock.lock();
    try {
      if (history.size() == HISTORY) {
        history.removeFirst();
      }
      history.addLast(new Recorded(request));
      arrived.signalAll();
      if (faultOn(request.topic(), true) != null) {
        return List.of();
      }
      for (Iterator<Scripted> it = scripted.iterator(); it.hasNext(); ) {
        Scripted s = it.next();
        if (Topics.matches(s.filter(), request.topic())) {
          it.remove();
          reply = s.reply();
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    return reply == null ? null : List.copyOf(reply.apply(request));
  }

  /** The fault, other than {@link Fault.Kind#SILENT}, on a message the twin is about to send, or null. */
  Fault onSend(MqttMessage message) {
    lock.lock();
    try {
      return faultOn(message.topic(), false);
    } finally {
      lock.unlock();
    }
  }

  /** The first fault on {@code topic} that is {@code silent} or is not. Caller holds the lock. */
  private Fault faultOn(String topic, boolean silent) {
    for (Map.Entry<String, Fault> f : faults.entrySet()) {
      if ((f.getValue().kind() == Fault.Kind.SILENT) == silent && Topics.matches(f.getKey(), topic)) {
        return f.getValue();
      }
    }
    return null;
  }
}
