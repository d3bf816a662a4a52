package dev.thingbridge.jobs;

import dev.thingbridge.jobs.internal.JobStateFile;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The engine's view of its state file: absent when the agent has no state directory, and never throwing
 * (a disk that refuses a write is reported as a problem; the agent keeps running without resume).
 */
final class StateMemory {
  private final JobStateFile file;
  private final BiConsumer<String, Throwable> problem;

  StateMemory(JobStateFile file, BiConsumer<String, Throwable> problem) {
    this.file = file;
    this.problem = problem;
  }

  Optional<JobStateFile.Saved> load() {
    return file == null ? Optional.empty() : file.load();
  }

  void save(JobStateFile.Saved s) {
    if (file != null) {
      try {
        file.save(s);
      } catch (RuntimeException e) {
        problem.accept("could not save the jobs state file", e);
      }
    }
  }

  void clear() {
    if (file != null) {
      try {
        file.clear();
      } catch (RuntimeException e) {
        problem.accept("could not clear the jobs state file", e);
      }
    }
  }
}
