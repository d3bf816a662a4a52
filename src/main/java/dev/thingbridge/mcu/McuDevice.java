package dev.thingbridge.mcu;

import dev.thingbridge.mcu.smp.ImageState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One MCU on a serial port, held open exclusively from {@link #open} to {@link #close}: its operations (probe, image
 * state, reset, flash) run one at a time on the device's own thread, {@code thingbridge-mcu-<id>}, so several devices
 * on separate ports work in parallel while nothing else interleaves on one port.
 *
 * <p>Every method returns at once with a future. A flash future completes with a {@link FlashResult} when the
 * device's state is known (updated, already running, refused, reverted, failed), and exceptionally with a {@link
 * McuException} when it is not: {@link McuPortException} (the port cannot be opened or went away), {@link
 * McuNotRespondingException}, {@link McuTimeoutException} (including the flash's overall timeout). Cancelling a
 * future interrupts the operation; with a state directory the flash's journal is kept, and {@link #recover} or the
 * next {@link #flash} of the same image continues it.
 */
public final class McuDevice implements AutoCloseable {
  private final McuConfig config;
  private final McuConnection connection;
  private final ExecutorService thread;

  private McuDevice(McuConfig config) {
    this.config = config;
    this.connection = new McuConnection(config);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "thingbridge-mcu-" + config.id());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the device's port.
   *
   * @throws McuPortException if the port cannot be opened
   */
  public static McuDevice open(McuConfig config) {
    McuDevice d = new McuDevice(Objects.requireNonNull(config, "config"));
    try {
      d.thread.submit(() -> {
        d.connection.open();
        return null;
      }).get();
    } catch (ExecutionException e) {
      d.close();
      throw e.getCause() instanceof McuException m ? m : new McuException(e.getCause().toString(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      d.close();
      throw new McuException("interrupted while opening " + config.port(), e);
    }
    return d;
  }

  public McuConfig config() {
    return config;
  }

  /** Probes the device: SMP version, buffer size, bootloader, OS information, serial recovery. */
  public CompletableFuture<DeviceInfo> info() {
    return submit("probe", connection::probe, Duration.ofMinutes(2));
  }

  /**
   * Reads the image state (every slot's version, hash and flags); {@link McuNotRespondingException} if nothing
   * answers.
   */
  public CompletableFuture<ImageState> imageState() {
    return submit("image state read", () -> answering(
        () -> connection.mgr().imageState(config.requestTimeout(), config.attempts())), Duration.ofMinutes(1));
  }

  /**
   * Sends an SMP echo (OS group, command 0) with the probe's timeout and attempts, and completes with the text the
   * application sent back: the cheapest sign that the MCU runs and answers. {@link McuNotRespondingException} if
   * nothing answers; {@link McuPortException} if the port is gone (it is opened again at the next call). It waits
   * behind a flash on the device's thread, so a caller that only checks reachability asks when no flash runs.
   */
  public CompletableFuture<String> echo(String text) {
    Objects.requireNonNull(text, "text");
    return submit("echo", () -> {
      try {
        return answering(() -> connection.mgr().echo(text, config.probeTimeout(), config.probeAttempts()));
      } catch (dev.thingbridge.mcu.serial.SerialLinkClosedException gone) {
        connection.release();
        throw new McuPortException(config.port() + " was closed: " + gone.getMessage(), gone);
      }
    }, Duration.ofMinutes(1));
  }

  /**
   * Resets the device; completes when it has answered the command (or vanished as USB devices do when they
   * reset). {@link McuNotRespondingException} if nothing answers.
   */
  public CompletableFuture<Void> reset() {
    return submit("reset", () -> {
      try {
        answering(() -> {
          connection.mgr().reset(false, null, config.requestTimeout(), config.attempts());
          return null;
        });
      } catch (dev.thingbridge.mcu.serial.SerialLinkClosedException gone) {
        // USB-CDC devices vanish as they reset: the command got through.
      }
      connection.release();
      return null;
    }, Duration.ofMinutes(1));
  }

  /** A one-off request: no answer at all means the device is not responding (rather than slow). */
  private <T> T answering(IoCallable<T> request) throws IOException {
    try {
      return request.call();
    } catch (McuTimeoutException silent) {
      throw new McuNotRespondingException(silent.getMessage() + " (wrong port, framing or baud rate, an application"
          + " without mcumgr, or a hung MCU)");
    }
  }

  /**
   * Flashes an MCUboot image (serial-bridge.md §7.3) and reports progress to {@code listener} on the device's thread.
   * The future fails with {@link McuTimeoutException} after {@link FlashOptions#timeout()}.
   */
  public CompletableFuture<FlashResult> flash(byte[] image, FlashOptions options, FlashListener listener) {
    byte[] copy = image.clone();
    return submit("flash", () -> new FlashFlow(connection, options, listener).flash(copy), options.timeout());
  }

  /**
   * Continues or cleans up a flash that a previous process left in {@code options}' state directory (call it at
   * start-up); empty when there is none.
   */
  public CompletableFuture<Optional<FlashResult>> recover(FlashOptions options, FlashListener listener) {
    return submit("recovery of an interrupted flash", () -> new FlashFlow(connection, options, listener).recover(),
        options.timeout());
  }

  private <T> CompletableFuture<T> submit(String what, IoCallable<T> op, Duration timeout) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> task;
    try {
      task = thread.submit(() -> {
        try {
          result.complete(op.call());
        } catch (Throwable t) {
          result.completeExceptionally(translate(what, t));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      result.completeExceptionally(new McuException(config.id() + " is closed"));
      return result;
    }
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (result.completeExceptionally(new McuTimeoutException(config.id() + ": " + what + " did not finish within "
          + timeout.toSeconds() + " s"))) {
        task.cancel(true);
      }
    });
    result.whenComplete((r, e) -> {
      if (e instanceof CancellationException) {
        task.cancel(true);
      }
    });
    return result;
  }

  private Throwable translate(String what, Throwable t) {
    if (t instanceof McuException) {
      return t;
    }
    if (t instanceof InterruptedIOException || t instanceof InterruptedException
        || t instanceof java.nio.channels.ClosedByInterruptException || Thread.interrupted()) {
      return new CancellationException(config.id() + ": " + what + " interrupted");
    }
    if (t instanceof IOException) {
      return new McuPortException(config.id() + ": " + what + " failed on " + config.port() + ": " + t.getMessage(), t);
    }
    return t;
  }

  /** Interrupts what runs, stops the device's thread and closes the port. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }

  @Override
  public String toString() {
    return config.toString();
  }

  @FunctionalInterface
  private interface IoCallable<T> {
    T call() throws IOException;
  }
}
