package dev.thingbridge.commands;

/**
 * Observes a {@link CommandAgent}: for logs, metrics, tests and the CLI. Called on the agent's worker
 * threads; must be quick and must not throw.
 */
public interface CommandAgentListener {
  /** Does nothing. */
  CommandAgentListener NONE = new CommandAgentListener() {};

  /** The cloud accepted the terminal status of an execution the agent ran. */
  default void onFinished(String executionId, CommandOutcome outcome) {}

  /** The cloud refused the terminal status; {@link CommandException#code()} says why. */
  default void onRejected(String executionId, CommandOutcome outcome, CommandException error) {}

  /** The terminal status was sent but no answer came (a timeout or a lost connection). */
  default void onUnconfirmed(String executionId, CommandOutcome outcome, Throwable cause) {}
}
