package dev.thingbridge.greengrass;

import dev.thingbridge.greengrass.internal.IpcFailures;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.aws.greengrass.model.InvalidArgumentsError;
import software.amazon.awssdk.aws.greengrass.model.ResourceNotFoundError;
import software.amazon.awssdk.aws.greengrass.model.ServiceError;
import software.amazon.awssdk.aws.greengrass.model.UnauthorizedError;
import software.amazon.awssdk.eventstreamrpc.EventStreamClosedException;
import software.amazon.awssdk.eventstreamrpc.UnmappedDataException;

/** Maps what the IPC client throws to thingbridge's typed errors. */
final class IpcErrors {
  /** The failures of the connection under {@link GreengrassIpc}: {@link GreengrassIpcException}s. */
  static final IpcFailures FAILURES = new IpcFailures() {
    @Override
    public RuntimeException closed(String message) {
      return new GreengrassIpcException(GreengrassIpcException.Kind.CLOSED, message);
    }

    @Override
    public RuntimeException notConnected(String message, Throwable cause) {
      return new GreengrassIpcException(GreengrassIpcException.Kind.NOT_CONNECTED, message, cause);
    }

    @Override
    public RuntimeException unauthorized(String message, Throwable cause) {
      return new GreengrassIpcException(GreengrassIpcException.Kind.UNAUTHORIZED, message, cause);
    }

    @Override
    public RuntimeException timeout(String message) {
      return new GreengrassIpcException(GreengrassIpcException.Kind.TIMEOUT, message);
    }

    @Override
    public RuntimeException toIpc(Throwable error, String operation) {
      return IpcErrors.toIpc(error, operation);
    }

    @Override
    public MqttException toMqtt(Throwable error, String operation, Duration timeout) {
      return IpcErrors.toMqtt(error, operation, timeout);
    }
  };

  /** MQTT 5 "Not authorized". */
  static final int NOT_AUTHORIZED = 0x87;
  /** MQTT 5 "Unspecified error". */
  static final int UNSPECIFIED = 0x80;

  private IpcErrors() {}

  /** An MQTT-layer error for a failed PublishToIoTCore / SubscribeToIoTCore. */
  static MqttException toMqtt(Throwable error, String operation, Duration timeout) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof MqttException m) {
      return m;
    }
    if (e instanceof GreengrassIpcException g) {
      if (g.getCause() != null && g.getCause() != g && !(g.getCause() instanceof GreengrassIpcException)
          && g.kind() != GreengrassIpcException.Kind.SERVICE) {
        return toMqtt(g.getCause(), operation, timeout);
      }
      if (g.kind() == GreengrassIpcException.Kind.SERVICE && g.getCause() != null) {
        return toMqtt(g.getCause(), operation, timeout);
      }
      return switch (g.kind()) {
        case CLOSED -> new MqttClosedException(operation + ": " + g.getMessage());
        case TIMEOUT -> new MqttTimeoutException(operation, timeout);
        default -> new MqttNotConnectedException(operation + ": " + g.getMessage(), g);
      };
    }
    if (e instanceof UnauthorizedError u) {
      return new MqttRefusedException(operation, NOT_AUTHORIZED, "not authorized by accessControl: " + u.getMessage());
    }
    if (e instanceof EventStreamClosedException) {
      return new MqttNotConnectedException(operation + ": the Greengrass IPC connection is closed", e);
    }
    if (e instanceof ServiceError s) {
      String message = String.valueOf(s.getMessage());
      if (message.toLowerCase(java.util.Locale.ROOT).contains("offline")) {
        return new MqttNotConnectedException(operation + ": " + message, s);
      }
      Map<String, Object> context = s.getContext();
      if (context != null && context.get("reasonCode") instanceof Number code) {
        Object reason = context.getOrDefault("reasonString", message);
        return new MqttRefusedException(operation, code.intValue(), String.valueOf(reason));
      }
      return new MqttRefusedException(operation, UNSPECIFIED, message);
    }
    if (e instanceof InvalidArgumentsError i) {
      return new MqttRefusedException(operation, UNSPECIFIED, "invalid arguments: " + i.getMessage());
    }
    if (e instanceof MqttTimeoutException t) {
      return t;
    }
    return new MqttException(operation + " failed: " + e, e);
  }

  /** A {@link GreengrassIpcException} for a failed non-MQTT operation. */
  static GreengrassIpcException toIpc(Throwable error, String operation) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof GreengrassIpcException g) {
      return g;
    }
    GreengrassIpcException.Kind kind;
    if (e instanceof UnauthorizedError) {
      kind = GreengrassIpcException.Kind.UNAUTHORIZED;
    } else if (e instanceof ResourceNotFoundError) {
      kind = GreengrassIpcException.Kind.NOT_FOUND;
    } else if (e instanceof InvalidArgumentsError) {
      kind = GreengrassIpcException.Kind.INVALID_ARGUMENTS;
    } else if (e instanceof UnmappedDataException
        || (e instanceof ServiceError s && String.valueOf(s.getMessage()).contains("not supported"))) {
      kind = GreengrassIpcException.Kind.UNSUPPORTED;
    } else if (e instanceof EventStreamClosedException) {
      kind = GreengrassIpcException.Kind.NOT_CONNECTED;
    } else {
      kind = GreengrassIpcException.Kind.SERVICE;
    }
    return new GreengrassIpcException(kind, operation + " failed: " + e.getMessage(), e);
  }
}
