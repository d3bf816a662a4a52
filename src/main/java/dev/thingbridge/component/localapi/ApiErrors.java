package dev.thingbridge.component.localapi;

import dev.thingbridge.greengrass.GreengrassIpcException;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttPayloadTooLargeException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.shadows.ShadowErrorCode;
import dev.thingbridge.shadows.ShadowException;
import dev.thingbridge.sibling.LocalApiErrorCode;
import java.util.concurrent.CancellationException;

/** Turns what a hosted agent failed with into the local API's code and one-line message. */
final class ApiErrors {
  private ApiErrors() {}

  /** The code and message for a failure; the message never carries a stack trace. */
  static ApiException toApi(Throwable error) {
    Throwable e = Futures.unwrap(error);
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof ShadowException s) {
      LocalApiErrorCode code = switch (s.code()) {
        case NOT_FOUND -> LocalApiErrorCode.NOT_FOUND;
        case VERSION_CONFLICT -> LocalApiErrorCode.CONFLICT;
        case PAYLOAD_TOO_LARGE -> LocalApiErrorCode.TOO_LARGE;
        case BAD_REQUEST -> LocalApiErrorCode.BAD_REQUEST;
        default -> LocalApiErrorCode.REJECTED;
      };
      return new ApiException(code, s.getMessage(), s);
    }
    if (e instanceof MqttTimeoutException) {
      return new ApiException(LocalApiErrorCode.TIMEOUT, message(e), e);
    }
    if (e instanceof MqttNotConnectedException || e instanceof MqttClosedException) {
      return new ApiException(LocalApiErrorCode.UNAVAILABLE, message(e), e);
    }
    if (e instanceof MqttPayloadTooLargeException) {
      return new ApiException(LocalApiErrorCode.TOO_LARGE, message(e), e);
    }
    if (e instanceof GreengrassIpcException g) {
      LocalApiErrorCode code = switch (g.kind()) {
        case NOT_FOUND -> LocalApiErrorCode.NOT_FOUND;
        case INVALID_ARGUMENTS -> LocalApiErrorCode.BAD_REQUEST;
        case TIMEOUT -> LocalApiErrorCode.TIMEOUT;
        case NOT_CONNECTED, CLOSED -> LocalApiErrorCode.UNAVAILABLE;
        case UNSUPPORTED -> LocalApiErrorCode.NOT_ENABLED;
        default -> LocalApiErrorCode.REJECTED;
      };
      return new ApiException(code, message(e), e);
    }
    if (e instanceof dev.thingbridge.mqtt.MqttException) {
      // Jobs, commands, Defender and provisioning rejections: the cloud's code is in the message.
      return new ApiException(LocalApiErrorCode.REJECTED, message(e), e);
    }
    if (e instanceof IllegalArgumentException) {
      return new ApiException(LocalApiErrorCode.BAD_REQUEST, message(e), e);
    }
    if (e instanceof CancellationException) {
      return new ApiException(LocalApiErrorCode.UNAVAILABLE, "the component is stopping", e);
    }
    return new ApiException(LocalApiErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + message(e), e);
  }

  static boolean isShadowNotFound(Throwable error) {
    return Futures.unwrap(error) instanceof ShadowException s && s.code() == ShadowErrorCode.NOT_FOUND;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
  }
}
