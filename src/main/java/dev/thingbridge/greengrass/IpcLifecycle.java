package dev.thingbridge.greengrass;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.greengrass.internal.DurableStream;
import dev.thingbridge.greengrass.internal.IpcValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.model.BinaryMessage;
import software.amazon.awssdk.aws.greengrass.model.ComponentUpdatePolicyEvents;
import software.amazon.awssdk.aws.greengrass.model.ConfigurationUpdateEvents;
import software.amazon.awssdk.aws.greengrass.model.ConfigurationValidityReport;
import software.amazon.awssdk.aws.greengrass.model.ConfigurationValidityStatus;
import software.amazon.awssdk.aws.greengrass.model.DeferComponentUpdateRequest;
import software.amazon.awssdk.aws.greengrass.model.GetConfigurationRequest;
import software.amazon.awssdk.aws.greengrass.model.PublishMessage;
import software.amazon.awssdk.aws.greengrass.model.PublishToTopicRequest;
import software.amazon.awssdk.aws.greengrass.model.ReceiveMode;
import software.amazon.awssdk.aws.greengrass.model.ReportedLifecycleState;
import software.amazon.awssdk.aws.greengrass.model.SendConfigurationValidityReportRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToComponentUpdatesRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToConfigurationUpdateRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToTopicRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToValidateConfigurationUpdatesRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscriptionResponseMessage;
import software.amazon.awssdk.aws.greengrass.model.UpdateStateRequest;
import software.amazon.awssdk.aws.greengrass.model.ValidateConfigurationUpdateEvent;
import software.amazon.awssdk.aws.greengrass.model.ValidateConfigurationUpdateEvents;

/**
 * What a component asks its nucleus over IPC besides MQTT: its configuration, its lifecycle state,
 * deployment notifications, and local publish/subscribe with sibling components. All calls are asynchronous,
 * bounded by the operation timeout, and fail with {@link GreengrassIpcException}. Stream consumers run in
 * order on {@code thingbridge-ipc-N}; streams survive reconnects.
 */
public final class IpcLifecycle {
  private static final Logger log = LoggerFactory.getLogger(IpcLifecycle.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GreengrassIpc ipc;

  IpcLifecycle(GreengrassIpc ipc) {
    this.ipc = ipc;
  }

  /**
   * {@code GetConfiguration} of this component. An empty key path returns the whole configuration; a leaf comes
   * back as {@code {leafName: value}}. Integral numbers come back as {@code Long}, others as {@code Double}.
   * Fails with {@code NOT_FOUND} for a missing key.
   */
  public CompletableFuture<Map<String, Object>> configuration(List<String> keyPath) {
    GetConfigurationRequest request = new GetConfigurationRequest();
    request.setKeyPath(GreengrassIpc.copyPath(keyPath));
    return ipc.call("GetConfiguration " + keyPath, c -> c.getConfigurationAsync(request))
        .thenApply(r -> IpcValues.restoreNumbers(r.getValue()));
  }

  /**
   * {@code SubscribeToConfigurationUpdate}: calls {@code onChange} with the key path of each changed leaf. A
   * deployment sends bursts; debounce, then re-read with {@link #configuration}.
   */
  public CompletableFuture<IpcStream> subscribeToConfigurationUpdate(List<String> keyPath, Consumer<List<String>> onChange) {
    Objects.requireNonNull(onChange, "onChange");
    List<String> path = GreengrassIpc.copyPath(keyPath);
    return ipc.<ConfigurationUpdateEvents>durable("SubscribeToConfigurationUpdate " + keyPath, (client, handler) -> {
      SubscribeToConfigurationUpdateRequest request = new SubscribeToConfigurationUpdateRequest();
      request.setKeyPath(path);
      var r = client.subscribeToConfigurationUpdateAsync(request, handler);
      return new DurableStream.Opened(r.getResponse(), () -> r.getHandler().closeStream());
    }, event -> {
      if (event.getConfigurationUpdateEvent() != null) {
        List<String> changed = event.getConfigurationUpdateEvent().getKeyPath();
        onChange.accept(changed == null ? List.of() : List.copyOf(changed));
      }
    });
  }

  /** {@code UpdateState}: tells the nucleus the component is RUNNING (ends STARTING) or ERRORED. */
  public CompletableFuture<Void> updateState(ComponentState state) {
    UpdateStateRequest request = new UpdateStateRequest();
    request.setState(state == ComponentState.RUNNING ? ReportedLifecycleState.RUNNING : ReportedLifecycleState.ERRORED);
    return ipc.call("UpdateState " + state, c -> c.updateStateAsync(request)).thenApply(r -> null);
  }

  /**
   * {@code SubscribeToComponentUpdates}: deployment notifications (cloud deployments with the default
   * "notify components" policy; local deployments do not notify).
   */
  public CompletableFuture<IpcStream> subscribeToComponentUpdates(Consumer<ComponentUpdateEvent> onEvent) {
    Objects.requireNonNull(onEvent, "onEvent");
    return ipc.<ComponentUpdatePolicyEvents>durable("SubscribeToComponentUpdates", (client, handler) -> {
      var r = client.subscribeToComponentUpdatesAsync(new SubscribeToComponentUpdatesRequest(), handler);
      return new DurableStream.Opened(r.getResponse(), () -> r.getHandler().closeStream());
    }, event -> {
      if (event.getPreUpdateEvent() != null) {
        var pre = event.getPreUpdateEvent();
        onEvent.accept(new ComponentUpdateEvent(String.valueOf(pre.getDeploymentId()), true,
            Boolean.TRUE.equals(pre.isIsGgcRestarting())));
      } else if (event.getPostUpdateEvent() != null) {
        onEvent.accept(new ComponentUpdateEvent(String.valueOf(event.getPostUpdateEvent().getDeploymentId()), false, false));
      }
    });
  }

  /**
   * {@code DeferComponentUpdate}: asks the nucleus to wait {@code recheckAfter} before updating (zero = go
   * ahead). Requires {@link #subscribeToComponentUpdates} first.
   */
  public CompletableFuture<Void> deferComponentUpdate(String deploymentId, String message, Duration recheckAfter) {
    DeferComponentUpdateRequest request = new DeferComponentUpdateRequest();
    request.setDeploymentId(Objects.requireNonNull(deploymentId, "deploymentId"));
    request.setMessage(message);
    // Always explicit: the nucleus ignores a null recheck rather than reading it as 0.
    request.setRecheckAfterMs(recheckAfter.toMillis());
    return ipc.call("DeferComponentUpdate " + deploymentId, c -> c.deferComponentUpdateAsync(request)).thenApply(r -> null);
  }

  /**
   * {@code SubscribeToValidateConfigurationUpdates}: asks {@code validator} about every configuration a deployment
   * proposes (numbers restored from Gson's doubles) and answers the nucleus with {@code
   * SendConfigurationValidityReport}: ACCEPTED when the validator returns null, REJECTED with its reason otherwise.
   * A validator that throws rejects with the exception's message.
   */
  public CompletableFuture<IpcStream> subscribeToValidateConfigurationUpdates(
      Function<Map<String, Object>, String> validator) {
    Objects.requireNonNull(validator, "validator");
    return ipc.<ValidateConfigurationUpdateEvents>durable("SubscribeToValidateConfigurationUpdates",
        (client, handler) -> {
          var r = client.subscribeToValidateConfigurationUpdatesAsync(
              new SubscribeToValidateConfigurationUpdatesRequest(), handler);
          return new DurableStream.Opened(r.getResponse(), () -> r.getHandler().closeStream());
        }, event -> {
          ValidateConfigurationUpdateEvent e = event.getValidateConfigurationUpdateEvent();
          if (e == null) {
            return;
          }
          String reason;
          try {
            Map<String, Object> proposed = e.getConfiguration() == null ? Map.of()
                : IpcValues.restoreNumbers(e.getConfiguration());
            reason = validator.apply(proposed);
          } catch (RuntimeException ex) {
            reason = String.valueOf(ex.getMessage());
          }
          String deployment = e.getDeploymentId();
          String verdict = reason;
          sendConfigurationValidityReport(deployment, reason == null, reason).whenComplete((v, err) -> {
            if (err != null) {
              log.warn("greengrass ipc: could not answer the validation of deployment {}: {}", deployment,
                  err.getMessage());
            } else {
              log.info("configuration of deployment {} {}", deployment,
                  verdict == null ? "accepted" : "rejected: " + verdict);
            }
          });
        });
  }

  /** {@code SendConfigurationValidityReport}: the verdict on a proposed configuration. */
  public CompletableFuture<Void> sendConfigurationValidityReport(String deploymentId, boolean accepted,
      String message) {
    ConfigurationValidityReport report = new ConfigurationValidityReport();
    report.setDeploymentId(deploymentId);
    report.setStatus(accepted ? ConfigurationValidityStatus.ACCEPTED : ConfigurationValidityStatus.REJECTED);
    if (message != null) {
      report.setMessage(message);
    }
    SendConfigurationValidityReportRequest request = new SendConfigurationValidityReportRequest();
    request.setConfigurationValidityReport(report);
    return ipc.call("SendConfigurationValidityReport " + deploymentId,
        c -> c.sendConfigurationValidityReportAsync(request)).thenApply(r -> null);
  }

  /** {@code PublishToTopic} with a binary message on local publish/subscribe. */
  public CompletableFuture<Void> publishToTopic(String topic, byte[] payload) {
    BinaryMessage binary = new BinaryMessage();
    binary.setMessage(payload.clone());
    PublishMessage message = new PublishMessage();
    message.setBinaryMessage(binary);
    PublishToTopicRequest request = new PublishToTopicRequest();
    request.setTopic(topic);
    request.setPublishMessage(message);
    return ipc.call("PublishToTopic " + topic, c -> c.publishToTopicAsync(request)).thenApply(r -> null);
  }

  /**
   * {@code SubscribeToTopic} on local publish/subscribe, receiving messages from every publisher including
   * this component. Both binary and JSON messages are accepted.
   */
  public CompletableFuture<IpcStream> subscribeToTopic(String topic, Consumer<LocalTopicMessage> onMessage) {
    Objects.requireNonNull(onMessage, "onMessage");
    return ipc.<SubscriptionResponseMessage>durable("SubscribeToTopic " + topic, (client, handler) -> {
      SubscribeToTopicRequest request = new SubscribeToTopicRequest();
      request.setTopic(topic);
      request.setReceiveMode(ReceiveMode.RECEIVE_ALL_MESSAGES);
      var r = client.subscribeToTopicAsync(request, handler);
      return new DurableStream.Opened(r.getResponse(), () -> r.getHandler().closeStream());
    }, event -> {
      LocalTopicMessage m = toLocal(topic, event);
      if (m != null) {
        onMessage.accept(m);
      }
    });
  }

  private static LocalTopicMessage toLocal(String subscribed, SubscriptionResponseMessage event) {
    if (event.getBinaryMessage() != null) {
      var b = event.getBinaryMessage();
      String t = b.getContext() != null && b.getContext().getTopic() != null ? b.getContext().getTopic() : subscribed;
      return new LocalTopicMessage(t, b.getMessage() == null ? new byte[0] : b.getMessage(), false);
    }
    if (event.getJsonMessage() != null) {
      var j = event.getJsonMessage();
      String t = j.getContext() != null && j.getContext().getTopic() != null ? j.getContext().getTopic() : subscribed;
      try {
        return new LocalTopicMessage(t, JSON.writeValueAsBytes(IpcValues.restoreNumbers(j.getMessage())), true);
      } catch (JsonProcessingException e) {
        log.warn("greengrass ipc: dropped a JSON message on {} that cannot be re-encoded: {}", t, e.getMessage());
      }
    }
    return null;
  }
}
