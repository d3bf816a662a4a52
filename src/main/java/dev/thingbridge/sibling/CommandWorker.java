package dev.thingbridge.sibling;

/** Answers the executions of a claimed command in a sibling, on a worker thread of the client. */
@FunctionalInterface
public interface CommandWorker {
  /** Carries the command out; throwing reports FAILED with reason code {@code HANDLER_ERROR}. */
  CommandResult run(SiblingCommand command) throws Exception;
}
