package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A job control that records every update and answers each at once (or refuses, when told to). */
final class RecordingControl implements OtaJobControl {
  /** One update: its status, details and whether it was confirmed (QoS 1 + wait) or not (progress). */
  record Sent(JobExecutionStatus status, Map<String, String> details, boolean confirmed) {}

  final List<Sent> sent = new CopyOnWriteArrayList<>();
  volatile RuntimeException refuse;
  /** The next confirmed updates that fail with this, one each, before they reach the service. */
  final java.util.Queue<RuntimeException> failBeforeSending = new java.util.concurrent.ConcurrentLinkedQueue<>();

  @Override
  public CompletableFuture<Void> progress(Map<String, String> details) {
    sent.add(new Sent(JobExecutionStatus.IN_PROGRESS, details, false));
    return refuse == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(refuse);
  }

  @Override
  public CompletableFuture<Void> update(JobExecutionStatus status, Map<String, String> details) {
    RuntimeException notSent = failBeforeSending.poll();
    if (notSent != null) {
      return CompletableFuture.failedFuture(notSent);
    }
    sent.add(new Sent(status, details, true));
    return refuse == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(refuse);
  }

  Sent last() {
    return sent.get(sent.size() - 1);
  }
}
