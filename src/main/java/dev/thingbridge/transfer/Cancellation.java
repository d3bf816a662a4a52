package dev.thingbridge.transfer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether the job was taken away while it ran: canceled, timed out or replaced in the cloud. Set from outside
 * (the job agent's signal) or by the download itself (a notify-next naming another job).
 */
final class Cancellation {
  private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
  private volatile String reason;

  /** A cancellation that follows {@code external} (completes with the job's new status, if known). */
  public static Cancellation following(CompletableFuture<?> external) {
    Cancellation c = new Cancellation();
    if (external != null) {
      external.whenComplete((status, e) -> c.cancel("the job ended in the cloud" + (status == null ? "" : " (" + status + ")")));
    }
    return c;
  }

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Cancels (the first reason is kept) and runs the hooks, so blocked reads end. */
  public void cancel(String why) {
    if (reason != null) {
      return;
    }
    reason = why;
    for (Runnable h : hooks) {
      try {
        h.run();
      } catch (RuntimeException ignored) {
        // a hook only unblocks a reader; its failure changes nothing
      }
    }
  }

  /** Runs {@code hook} on cancel (at once if already cancelled). */
  public void onCancel(Runnable hook) {
    hooks.add(hook);
    if (reason != null) {
      hook.run();
    }
  }

  public void removeHook(Runnable hook) {
    hooks.remove(hook);
  }

  /** Throws {@link OtaErrorCode#USER_ABORT} when cancelled. */
  public void check() throws OtaException {
    String r = reason;
    if (r != null) {
      throw new OtaException(OtaErrorCode.USER_ABORT, r);
    }
  }
}
