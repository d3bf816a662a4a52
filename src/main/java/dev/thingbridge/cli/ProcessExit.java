package dev.thingbridge.cli;

import dev.thingbridge.mqtt.crt.CrtRuntime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the packaged CLI's process ends. Ctrl-C and SIGTERM wake the running command's {@link StopSignal}
 * (instead of starting the JVM's shutdown while the command still holds connections); the command closes
 * everything, the native runtime is released, and the process exits with 128 + the signal's number. A
 * command that is not done within its budget, or a second signal, ends the process at once with that code.
 * A command line that does not own its process (tests) gets none of this.
 */
final class ProcessExit {
  private static final Duration NATIVE_RELEASE_WAIT = Duration.ofSeconds(1);
  /**
   * How long an exit waits for aws-crt's load begun ahead ({@link WarmUp}): its extraction takes a quarter of a
   * second on a quiet machine; a load still running after this is hung, and the exit goes ahead.
   */
  static final Duration NATIVE_LOAD_WAIT = Duration.ofSeconds(3);

  private final boolean ownsProcess;
  private final Duration nativeLoadWait;
  private final AtomicReference<Thread> nativeLoad = new AtomicReference<>();
  private final AtomicBoolean nativeRuntimeUsed = new AtomicBoolean();
  private final AtomicInteger signal = new AtomicInteger();
  private final AtomicReference<StopSignal> running = new AtomicReference<>();

  ProcessExit(boolean ownsProcess) {
    this(ownsProcess, NATIVE_LOAD_WAIT);
  }

  ProcessExit(boolean ownsProcess, Duration nativeLoadWait) {
    this.ownsProcess = ownsProcess;
    this.nativeLoadWait = nativeLoadWait;
  }

  /** Routes SIGINT and SIGTERM to the running command (packaged CLI only). */
  void installSignalHandlers() {
    if (ownsProcess) {
      ProcessSignals.install(this::onSignal, "INT", "TERM");
    }
  }

  /** A command opened an aws-crt client: release the native runtime before exiting. */
  void nativeRuntimeUsed() {
    nativeRuntimeUsed.set(true);
  }

  /** aws-crt's native library is being loaded ahead on {@code loader}: the exit waits for it ({@link #release}). */
  void nativeLoadStarted(Thread loader) {
    nativeLoad.set(loader);
  }

  /** The signal that stopped the process (2 for SIGINT, 15 for SIGTERM), or 0. */
  int signal() {
    return signal.get();
  }

  /** The exit code for a command that returned {@code commandCode}: 128 + signal after a signal. */
  int exitCode(int commandCode) {
    int s = signal.get();
    return s == 0 ? commandCode : 128 + s;
  }

  /** A new stop signal for a long-running command, woken by Ctrl-C and SIGTERM until closed. */
  StopSignal stopSignal(Duration budget) {
    StopSignal stop = new StopSignal(budget, this);
    running.set(stop);
    if (signal.get() != 0) {
      stop.stopNow();
    }
    return stop;
  }

  void closed(StopSignal stop) {
    running.compareAndSet(stop, null);
  }

  /**
   * Called once the command returned: lets a load of the native library begun ahead finish (the exit would
   * delete the library under it, and aws-crt prints that on standard error), then the native runtime's threads
   * end, before the JVM exits.
   */
  void release() {
    if (!ownsProcess) {
      return;
    }
    try {
      Thread loader = nativeLoad.getAndSet(null);
      if (loader != null) {
        loader.join(Math.max(1, nativeLoadWait.toMillis()));
      }
      if (nativeRuntimeUsed.getAndSet(false)) {
        CrtRuntime.releaseDefaults(NATIVE_RELEASE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onSignal(int number) {
    if (!signal.compareAndSet(0, number)) {
      Runtime.getRuntime().halt(128 + number); // a second Ctrl-C: the user does not want to wait
    }
    StopSignal stop = running.get();
    if (stop == null) {
      // Nothing long-running to wake (a one-off command mid-way): the JVM's usual shutdown.
      new Thread(() -> System.exit(128 + number), "thingbridge-cli-exit").start();
      return;
    }
    stop.stopNow();
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(stop.budget().toMillis());
        System.err.println("error: not stopped within " + stop.budget().toMillis() + " ms of the signal; exiting now");
        System.err.flush();
        Runtime.getRuntime().halt(128 + number);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "thingbridge-cli-stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
