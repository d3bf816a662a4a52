package dev.thingbridge.commands;

/**
 * Carries out a command on the device. Called by {@link CommandAgent} on one of its worker threads
 * ({@code thingbridge-commands-N-worker-M}); several executions may run at once.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface CommandHandler<T> {
  /** Runs the command. Throwing reports FAILED with reason code {@code HANDLER_ERROR} and the message. */
  CommandOutcome handle(CommandRequest<T> request) throws Exception;
}
