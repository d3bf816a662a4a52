package dev.thingbridge.testing.nucleus;

import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCServiceModel;
import software.amazon.awssdk.crt.eventstream.Header;
import software.amazon.awssdk.crt.eventstream.MessageFlags;
import software.amazon.awssdk.crt.eventstream.MessageType;
import software.amazon.awssdk.crt.eventstream.ServerConnectionContinuation;
import software.amazon.awssdk.crt.eventstream.ServerConnectionContinuationHandler;
import software.amazon.awssdk.eventstreamrpc.model.EventStreamJsonMessage;

/**
 * One operation stream (continuation) on the fake nucleus. Sends are serialised and refused once the stream
 * closed: sending on a closed continuation can crash the native server (SDK issue #257).
 */
final class NucleusStream extends ServerConnectionContinuationHandler {
  private static final GreengrassCoreIPCServiceModel MODEL = GreengrassCoreIPCServiceModel.getInstance();

  final String operation;
  private final Consumer<NucleusStream> onRequest;
  private final Object lock = new Object();
  private byte[] request;
  private boolean closed;
  private boolean responded;
  private Runnable onClose = () -> {};

  NucleusStream(ServerConnectionContinuation continuation, String operation, Consumer<NucleusStream> onRequest) {
    super(continuation);
    this.operation = operation;
    this.onRequest = onRequest;
  }

  byte[] request() {
    return request;
  }

  void onClose(Runnable action) {
    synchronized (lock) {
      onClose = action;
      if (!closed) {
        return;
      }
    }
    action.run();
  }

  boolean responded() {
    synchronized (lock) {
      return responded;
    }
  }

  boolean isOpen() {
    synchronized (lock) {
      return !closed;
    }
  }

  @Override
  protected void onContinuationMessage(List<Header> headers, byte[] payload, MessageType type, int flags) {
    boolean first;
    synchronized (lock) {
      first = request == null;
      if (first) {
        request = payload == null ? new byte[0] : payload;
      }
    }
    if (first && type == MessageType.ApplicationMessage) {
      onRequest.accept(this);
    }
  }

  @Override
  protected void onContinuationClosed() {
    Runnable action;
    synchronized (lock) {
      closed = true;
      action = onClose;
    }
    action.run();
    close();
  }

  /**
   * The operation's response; {@code terminate} for unary operations. The stream counts as answered in the same
   * step as the response is handed to the connection: marked after the send, a client that got the response and
   * acted on it at once (a subscribe, then a request whose reply comes back on this stream) could find its reply
   * dropped as "before the response" in the gap between the two.
   */
  boolean respond(EventStreamJsonMessage response, boolean terminate) {
    synchronized (lock) {
      boolean sent = send(response, MessageType.ApplicationMessage, terminate);
      responded |= sent;
      return sent;
    }
  }

  /** A stream event (only after the response). */
  boolean event(EventStreamJsonMessage event) {
    synchronized (lock) {
      if (!responded) {
        return false;
      }
    }
    return send(event, MessageType.ApplicationMessage, false);
  }

  /** A modelled error, which ends the stream. */
  boolean fail(EventStreamJsonMessage error) {
    return send(error, MessageType.ApplicationError, true);
  }

  private boolean send(EventStreamJsonMessage message, MessageType type, boolean terminate) {
    List<Header> headers = List.of(
        Header.createHeader(":content-type", "application/json"),
        Header.createHeader("service-model-type", message.getApplicationModelType()));
    byte[] body = MODEL.toJson(message);
    synchronized (lock) {
      if (closed || continuation == null || continuation.isClosed()) {
        return false;
      }
      continuation.sendMessage(headers, body, type, terminate ? MessageFlags.TerminateStream.getByteValue() : 0);
      return true;
    }
  }
}
