package dev.thingbridge.cli;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Installs handlers for POSIX signals through {@code sun.misc.Signal} (module jdk.unsupported, the supported
 * way for a Java program to handle SIGINT and SIGTERM itself). Replacing the JVM's handlers means a signal no
 * longer starts the shutdown hooks at once: the handler decides when the process exits.
 */
final class ProcessSignals {
  private ProcessSignals() {}

  static void install(IntConsumer handler, String... names) {
    for (String name : names) {
      try {
        Signal.handle(new Signal(name), s -> handler.accept(s.getNumber()));
      } catch (IllegalArgumentException unavailable) {
        // The signal is not available here (or reserved by the JVM, as with -Xrs): keep the JVM's handling.
      }
    }
  }
}
