package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.commands.CommandAgentListener;
import dev.thingbridge.commands.CommandException;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.defender.DefenderListener;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.MetricsReport;
import dev.thingbridge.defender.ReportAcceptance;
import dev.thingbridge.jobs.JobAgentListener;
import dev.thingbridge.jobs.JobException;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecution;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mcu.FlashListener;
import dev.thingbridge.shadows.DeltaEvent;
import dev.thingbridge.shadows.ShadowListener;
import dev.thingbridge.shadows.ShadowManagerListener;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.transfer.OtaDocument;
import dev.thingbridge.transfer.OtaListener;
import dev.thingbridge.transfer.OtaResult;
import dev.thingbridge.transfer.TransferProgress;
import dev.thingbridge.transfer.VerifiedFile;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The agents' listeners, each turned into {@link DeviceEvent}s: one small adapter per service. What they emit is
 * logged as one line and pushed to subscribed siblings; none carries a key, a token or a pre-signed URL.
 */
final class EventAdapters {
  private EventAdapters() {}

  static JobAgentListener jobs(String thing, DeviceEventSink sink) {
    return new JobAgentListener() {
      @Override
      public void onJobStarted(JobExecution execution, boolean resumed) {
        sink.accept(DeviceEvent.of("jobs", "job.started", thing, "jobId", execution.jobId(),
            "executionNumber", execution.execution(), "operation",
            execution.jobDocument() == null ? null : execution.jobDocument().path("operation").asText(null),
            "resumed", resumed));
      }

      @Override
      public void onJobFinished(String jobId, JobOutcome outcome) {
        sink.accept(DeviceEvent.of("jobs", "job.finished", thing, "jobId", jobId, "status", outcome.status().name(),
            "statusDetails", outcome.statusDetails()));
      }

      @Override
      public void onJobCancelled(String jobId, JobExecutionStatus status) {
        sink.accept(DeviceEvent.of("jobs", "job.canceled", thing, "jobId", jobId, "status", status.name()));
      }

      @Override
      public void onUpdateRejected(String jobId, JobException error) {
        sink.accept(DeviceEvent.of("jobs", "job.update-rejected", thing, "jobId", jobId, "code", error.code().wire(),
            "message", error.getMessage()));
      }

      @Override
      public void onProblem(String what, Throwable cause) {
        sink.accept(DeviceEvent.of("jobs", "job.problem", thing, "what", what, "cause", String.valueOf(cause)));
      }
    };
  }

  /** Command outcomes; {@code reported} also hears each verdict (the sibling claims wait for it). */
  static CommandAgentListener commands(String thing, DeviceEventSink sink, BiConsumer<String, Throwable> reported) {
    return new CommandAgentListener() {
      @Override
      public void onFinished(String executionId, CommandOutcome outcome) {
        reported.accept(executionId, null);
        sink.accept(outcome("command.finished", thing, executionId, outcome));
      }

      @Override
      public void onRejected(String executionId, CommandOutcome outcome, CommandException error) {
        reported.accept(executionId, error);
        ObjectNode f = outcome("command.rejected", thing, executionId, outcome).fields();
        f.put("code", error.code().name());
        sink.accept(new DeviceEvent("commands", "command.rejected", thing, f));
      }

      @Override
      public void onUnconfirmed(String executionId, CommandOutcome outcome, Throwable cause) {
        reported.accept(executionId, cause);
        sink.accept(outcome("command.unconfirmed", thing, executionId, outcome));
      }
    };
  }

  private static DeviceEvent outcome(String type, String thing, String executionId, CommandOutcome outcome) {
    return DeviceEvent.of("commands", type, thing, "executionId", executionId, "status", outcome.status().name(),
        "reasonCode", outcome.reason() == null ? null : outcome.reason().reasonCode());
  }

  /** A kept shadow's listener: applied deltas (also handed to {@code onDelta}), rejected parts, deletions. */
  static ShadowListener<ObjectNode> shadow(String thing, String shadow, DeviceEventSink sink,
      ShadowDeltaSink onDelta) {
    return new ShadowListener<>() {
      @Override
      public void onDelta(DeltaEvent<ObjectNode> event) {
        onDelta.accept(thing, shadow, event.version(), event.delta());
        sink.accept(DeviceEvent.of("shadows", "shadow.delta-applied", thing, "shadow", shadow,
            "version", event.version(), "delta", event.delta()));
      }

      @Override
      public void onDeltaRejected(ShadowDeltaException error, ObjectNode delta) {
        sink.accept(DeviceEvent.of("shadows", "shadow.delta-rejected", thing, "shadow", shadow,
            "path", error.path(), "reason", error.reason()));
      }

      @Override
      public void onDeletedInCloud(long version) {
        sink.accept(DeviceEvent.of("shadows", "shadow.deleted", thing, "shadow", shadow, "version", version));
      }

      @Override
      public void onProblem(String what, Throwable cause) {
        sink.accept(DeviceEvent.of("shadows", "shadow.problem", thing, "shadow", shadow, "what", what,
            "cause", String.valueOf(cause)));
      }
    };
  }

  /** The listener of a prefix manager: the same events, the shadow name being prefix + id. */
  static ShadowManagerListener<ObjectNode> shadows(String thing, String prefix, DeviceEventSink sink,
      ShadowDeltaSink onDelta) {
    return new ShadowManagerListener<>() {
      @Override
      public void onShadowAdded(String id, ObjectNode state) {
        sink.accept(DeviceEvent.of("shadows", "shadow.kept", thing, "shadow", prefix + id));
      }

      @Override
      public void onDelta(String id, DeltaEvent<ObjectNode> event) {
        onDelta.accept(thing, prefix + id, event.version(), event.delta());
        sink.accept(DeviceEvent.of("shadows", "shadow.delta-applied", thing, "shadow", prefix + id,
            "version", event.version(), "delta", event.delta()));
      }

      @Override
      public void onDeltaRejected(String id, ShadowDeltaException error, ObjectNode delta) {
        sink.accept(DeviceEvent.of("shadows", "shadow.delta-rejected", thing, "shadow", prefix + id,
            "path", error.path(), "reason", error.reason()));
      }

      @Override
      public void onShadowRemoved(String id, Removal cause) {
        sink.accept(DeviceEvent.of("shadows", "shadow.removed", thing, "shadow", prefix + id, "cause", cause.name()));
      }

      @Override
      public void onProblem(String id, String what, Throwable cause) {
        sink.accept(DeviceEvent.of("shadows", "shadow.problem", thing, "shadow", id == null ? null : prefix + id,
            "what", what, "cause", String.valueOf(cause)));
      }
    };
  }

  /** Where applied deltas of kept shadows go (the shadow API's watchers). */
  @FunctionalInterface
  interface ShadowDeltaSink {
    void accept(String thing, String shadow, long version, ObjectNode delta);
  }

  static OtaListener ota(String thing, DeviceEventSink sink) {
    return new OtaListener() {
      @Override
      public void onJobStarted(String jobId, OtaDocument document) {
        sink.accept(DeviceEvent.of("ota", "ota.started", thing, "jobId", jobId));
      }

      @Override
      public void onProgress(TransferProgress p) {
        sink.accept(DeviceEvent.of("ota", "ota.progress", thing, "jobId", p.jobId(), "file", p.file().filepath(),
            "bytes", p.bytesReceived(), "total", p.bytesTotal(),
            "percent", Math.round(p.fraction() * 1000) / 10.0));
      }

      @Override
      public void onFileVerified(String jobId, VerifiedFile file) {
        sink.accept(DeviceEvent.of("ota", "ota.file-verified", thing, "jobId", jobId, "file", file.file().filepath(),
            "size", file.file().size()));
      }

      @Override
      public void onStatus(String jobId, JobExecutionStatus status, Map<String, String> statusDetails) {
        sink.accept(DeviceEvent.of("ota", "ota.status", thing, "jobId", jobId, "status", status.name(),
            "statusDetails", statusDetails));
      }

      @Override
      public void onJobFinished(String jobId, OtaResult result) {
        sink.accept(DeviceEvent.of("ota", "ota.finished", thing, "jobId", jobId, "status", result.status().name(),
            "restarting", result.isRestarting(),
            "error", result.error() == null ? null : result.error().getMessage(),
            "errorCode", result.error() == null ? null : result.error().code().name()));
      }
    };
  }

  static FlashListener flash(String mcu, String thing, DeviceEventSink sink) {
    return p -> sink.accept(DeviceEvent.of("mcu", "mcu.progress", thing, "mcu", mcu, "step", p.step().name(),
        "bytes", p.bytesDone(), "total", p.bytesTotal(), "message", p.message()));
  }

  static DefenderListener defender(DeviceEventSink sink) {
    return new DefenderListener() {
      @Override
      public void onAccepted(String thingName, MetricsReport report, ReportAcceptance acceptance) {
        sink.accept(DeviceEvent.of("defender", "defender.accepted", thingName,
            "reportId", report.header().reportId()));
      }

      @Override
      public void onRejected(String thingName, MetricsReport report, DefenderRejectedException rejection) {
        sink.accept(DeviceEvent.of("defender", "defender.rejected", thingName,
            "reportId", report.header().reportId(), "message", rejection.getMessage()));
      }

      @Override
      public void onFailed(String thingName, Throwable error) {
        sink.accept(DeviceEvent.of("defender", "defender.failed", thingName, "message", String.valueOf(error)));
      }
    };
  }
}
