package dev.thingbridge.mcu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.smp.McuMgrError;
import dev.thingbridge.mcu.smp.RawFraming;
import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.smp.SmpError;
import dev.thingbridge.mcu.smp.SmpFormatException;
import dev.thingbridge.mcu.smp.SmpFrameDecoder;
import dev.thingbridge.mcu.smp.SmpFraming;
import dev.thingbridge.mcu.smp.SmpHeader;
import dev.thingbridge.mcu.smp.SmpMessage;
import dev.thingbridge.mcu.smp.SmpOp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of SMP over one serial link, stop-and-wait: one request at a time, each retransmission under a
 * new sequence number, and a reply accepted only when its op, group, command and sequence match one of the
 * attempts of the request in flight. Anything else (a late reply to an earlier request, the sequence skew of
 * smpclient #104, log output) is dropped and counted.
 *
 * <p>Requests go out as SMP v2; v1-shaped replies are accepted. A server that answers {@code
 * UNSUPPORTED_TOO_OLD/TOO_NEW} (rc 12/13) is asked once more in the other version, which is then kept.
 *
 * <p>Thread-safety: calls are serialized on this object. {@link #attach} moves the client to a reopened link (after
 * an MCU reset) keeping its sequence counter and version.
 */
public final class SmpClient {
  private static final Logger LOG = LoggerFactory.getLogger(SmpClient.class);

  private final SmpFraming framing;
  private final int maxReplyFrame;
  private SerialLink link;
  private SmpFrameDecoder decoder;
  private int version = SmpHeader.V2;
  private boolean versionSettled;
  private int sequence = ThreadLocalRandom.current().nextInt(256);
  private final byte[] readBuffer = new byte[4096];
  private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
  private long requests;
  private long retransmissions;
  private long staleReplies;

  /** A client on {@code link} speaking {@code framing}. */
  public SmpClient(SerialLink link, SmpFraming framing) {
    this.framing = Objects.requireNonNull(framing, "framing");
    this.maxReplyFrame = 0xFFFF + 4;
    attach(link);
  }

  /** Continues on another link (the same device, reopened). */
  public synchronized void attach(SerialLink newLink) {
    this.link = Objects.requireNonNull(newLink, "link");
    this.decoder = framing.newDecoder(maxReplyFrame);
    frames.clear();
  }

  /** The link in use. */
  public synchronized SerialLink link() {
    return link;
  }

  public SmpFraming framing() {
    return framing;
  }

  /** The SMP version requests are sent in (0 = v1, 1 = v2). */
  public synchronized int version() {
    return version;
  }

  /**
   * Sends a request and waits for its reply, retransmitting after each {@code timeout} up to {@code attempts}
   * times in all.
   *
   * @param what a few words for messages, e.g. {@code "image upload at 4096"}
   * @return the reply, which may carry an {@link SmpError}
   * @throws McuTimeoutException if no attempt got a matching reply
   * @throws IOException if the link fails (closed, port gone, interrupted)
   */
  public synchronized SmpReply call(SmpOp op, int group, int command, Map<String, ?> body, Duration timeout,
      int attempts, String what) throws IOException {
    if (op.isResponse() || attempts < 1) {
      throw new IllegalArgumentException("a request op and at least one attempt are required");
    }
    byte[] cbor = SmpCbor.encode(body);
    SmpReply reply = exchange(op, group, command, cbor, timeout, attempts, what);
    Optional<SmpError> err = reply.error();
    if (!versionSettled && err.isPresent() && !err.get().groupError()
        && (err.get().rc() == McuMgrError.UNSUPPORTED_TOO_OLD.code()
            || err.get().rc() == McuMgrError.UNSUPPORTED_TOO_NEW.code())) {
      version = version == SmpHeader.V2 ? SmpHeader.V1 : SmpHeader.V2;
      versionSettled = true;
      LOG.info("{}: the device refused SMP v{}, switching to v{}", link.name(),
          version == SmpHeader.V2 ? 1 : 2, version == SmpHeader.V2 ? 2 : 1);
      reply = exchange(op, group, command, cbor, timeout, attempts, what);
    } else {
      versionSettled = true;
    }
    return reply;
  }

  private SmpReply exchange(SmpOp op, int group, int command, byte[] cbor, Duration timeout, int attempts,
      String what) throws IOException {
    int[] sent = new int[attempts];
    for (int attempt = 0; attempt < attempts; attempt++) {
      int seq = nextSequence();
      sent[attempt] = seq;
      SmpMessage request = new SmpMessage(SmpHeader.request(version, op, group, command, seq), cbor);
      if (framing instanceof RawFraming) {
        decoder.reset(); // a stale partial raw frame would swallow the reply's first bytes
      }
      requests++;
      if (attempt > 0) {
        retransmissions++;
        LOG.debug("{}: no reply to {} in {} ms, sending again (attempt {} of {})", link.name(), what,
            timeout.toMillis(), attempt + 1, attempts);
      }
      link.write(framing.encode(request.toBytes()));
      SmpReply reply = awaitReply(op.response(), group, command, sent, attempt + 1, timeout);
      if (reply != null) {
        return reply;
      }
    }
    throw new McuTimeoutException(link.name() + ": no reply to " + what + " after " + attempts + " attempt"
        + (attempts == 1 ? "" : "s") + " of " + timeout.toMillis() + " ms");
  }

  private SmpReply awaitReply(SmpOp responseOp, int group, int command, int[] sent, int sentCount, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      while (!frames.isEmpty()) {
        SmpReply r = match(frames.poll(), responseOp, group, command, sent, sentCount);
        if (r != null) {
          return r;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while waiting for a reply on " + link.name());
      }
      int n = link.read(readBuffer, 0, readBuffer.length, Duration.ofNanos(left));
      if (n > 0) {
        decoder.feed(readBuffer, 0, n, frames::add);
      }
    }
  }

  private SmpReply match(byte[] frame, SmpOp responseOp, int group, int command, int[] sent, int sentCount) {
    SmpMessage m;
    ObjectNode body;
    try {
      m = SmpMessage.parse(frame);
      if (m.header().op() != responseOp || m.header().group() != group || m.header().command() != command
          || !contains(sent, sentCount, m.header().sequence())) {
        staleReplies++;
        LOG.debug("{}: dropping an unmatched reply {}", link.name(), m.header());
        return null;
      }
      body = SmpCbor.decode(m.body());
    } catch (SmpFormatException e) {
      staleReplies++;
      LOG.debug("{}: dropping a malformed reply: {}", link.name(), e.getMessage());
      return null;
    }
    return new SmpReply(m.header(), body, SmpError.from(body, group));
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  private int nextSequence() {
    int s = sequence;
    sequence = (sequence + 1) & 0xFF;
    return s;
  }

  /** Counters since this client was made. */
  public synchronized Stats stats() {
    return new Stats(requests, retransmissions, staleReplies, decoder.dropped());
  }

  /**
   * Traffic counters.
   *
   * @param requests frames sent, retransmissions included
   * @param retransmissions frames sent again after a timeout
   * @param staleReplies decoded replies dropped for not matching the request in flight
   * @param droppedFrames received frames dropped by the decoder (bad CRC, base64, size) on the current link
   */
  public record Stats(long requests, long retransmissions, long staleReplies, long droppedFrames) {}

  /**
   * A matched reply.
   *
   * @param header its header (version tells v1 from v2)
   * @param body the decoded CBOR map
   * @param error the error it carries, if any
   */
  public record SmpReply(SmpHeader header, ObjectNode body, Optional<SmpError> error) {}
}
