package dev.thingbridge.cli;

import dev.thingbridge.component.ConfigurationException;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mcu.McuNotRespondingException;
import dev.thingbridge.mcu.McuPortException;
import dev.thingbridge.mcu.McuTimeoutException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * Process exit codes shared by every command, in the spirit of mosquitto_pub/sub, and the one mapping from
 * a failure to its code ({@link #of(Throwable)}). A run stopped by a signal exits with 128 + the signal's
 * number: 130 for Ctrl-C, 143 for SIGTERM.
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /** The service rejected the request (its code is printed), or anything unexpected. */
  public static final int FAILURE = 1;
  /** Bad flags, bad configuration file, bad input: nothing was started. */
  public static final int USAGE = 2;
  /**
   * The connection could not be made, was refused or was taken over (the reason is printed); for {@code mcu}: the
   * serial port cannot be opened or the device does not answer.
   */
  public static final int CONNECTION = 3;
  /** A wait ran out. */
  public static final int TIMEOUT = 4;
  /** A query found nothing to show ({@code jobs next} with no pending job). */
  public static final int NOTHING = 5;

  private ExitCodes() {}

  /** The exit code for a failure, looking through {@code ExecutionException} and {@code CompletionException}. */
  public static int of(Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    if (cause instanceof UsageException || cause instanceof ConfigurationException
        || cause instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    if (cause instanceof MqttTimeoutException || cause instanceof TimeoutException
        || cause instanceof McuTimeoutException) {
      return TIMEOUT;
    }
    if (cause instanceof MqttRefusedException || cause instanceof MqttNotConnectedException
        || cause instanceof McuPortException || cause instanceof McuNotRespondingException) {
      return CONNECTION;
    }
    return FAILURE;
  }

  /**
   * The one line printed for a failure, without the {@code error:} prefix: the first line of its message,
   * with a repeated "error:" taken off, or the exception's type when it has no message.
   */
  public static String message(Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    String text = cause.getMessage();
    if (text == null || text.isBlank()) {
      return cause.getClass().getSimpleName() + " (run with --log-level debug for details)";
    }
    text = text.strip().lines().findFirst().orElse("").strip();
    while (text.regionMatches(true, 0, "error:", 0, 6)) {
      text = text.substring(6).strip();
    }
    return text;
  }
}
