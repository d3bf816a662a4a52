package dev.thingbridge.twin;

import java.time.Instant;
import java.util.function.Function;

/** What the {@link Twin} offers its services besides requests: time, limits and exclusive access. */
public interface TwinContext {
  /** The twin's clock (a fixed or stepped clock in tests). */
  Instant now();

  /** The limits the twin enforces (relaxed by default, AWS's with {@code --aws-limits}). */
  TwinLimits limits();

  /**
   * Runs a control-plane operation under the twin's lock, like a device request: the operation may publish
   * through the outbox it is given (in order, after nothing else), and if {@code service} reports a change
   * through the operation's result the state is saved.
   *
   * @param service the service whose state the operation may change (saved afterwards)
   * @param operation the operation; it receives the outbox for notifications it causes
   */
  <R> R exclusive(TwinService service, Function<TwinOutbox, R> operation);
}
