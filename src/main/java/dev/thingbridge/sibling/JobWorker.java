package dev.thingbridge.sibling;

/** Runs the jobs of a claimed kind in a sibling, on a worker thread of the client. */
@FunctionalInterface
public interface JobWorker {
  /**
   * Does the job and says how it ended; the client reports it. Throwing reports FAILED with the message. A
   * resumed execution ({@link SiblingJob#resumed()}) may have been started before.
   */
  JobResult run(SiblingJob job) throws Exception;
}
