package dev.thingbridge.mqtt.crt.internal;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import java.time.Duration;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.CrtRuntimeException;
import software.amazon.awssdk.crt.mqtt5.packets.ConnAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.DisconnectPacket;

/** Turns aws-crt error codes and failure packets into thingbridge's typed exceptions and readable reasons. */
public final class CrtErrors {
  private CrtErrors() {}

  /**
   * Why one connection attempt failed: a CONNACK refusal becomes {@link MqttRefusedException} with the
   * broker's reason code and string; anything before a CONNACK (DNS, TCP, TLS, timeouts) becomes {@link
   * MqttNotConnectedException} naming the CRT error and a likely cause.
   */
  public static MqttException connectFailure(MqttEndpoint endpoint, int errorCode, ConnAckPacket connack) {
    if (connack != null && connack.getReasonCode() != null
        && connack.getReasonCode() != ConnAckPacket.ConnectReasonCode.SUCCESS) {
      String reason = connack.getReasonString() != null ? connack.getReasonString()
          : connack.getReasonCode().name().toLowerCase().replace('_', ' ');
      return new MqttRefusedException("connect to " + endpoint, connack.getReasonCode().getValue(), reason);
    }
    String name = errorName(errorCode);
    return new MqttNotConnectedException(
        "could not connect to " + endpoint + ": " + name + " (" + errorText(errorCode) + ")" + hint(name));
  }

  /** A readable reason for a lost connection: the broker's DISCONNECT if it sent one, else the CRT error. */
  public static String disconnectReason(int errorCode, DisconnectPacket disconnect) {
    if (disconnect != null && disconnect.getReasonCode() != null) {
      return "broker sent DISCONNECT " + disconnect.getReasonCode()
          + (disconnect.getReasonString() == null ? "" : ": " + disconnect.getReasonString());
    }
    return errorName(errorCode) + " (" + errorText(errorCode) + ")";
  }

  /** The typed failure of a publish, subscribe or unsubscribe whose CRT future failed. */
  public static MqttException operationFailure(String operation, Throwable failure, Duration ackTimeout) {
    Throwable cause = Futures.unwrap(failure);
    if (cause instanceof MqttException m) {
      return m;
    }
    if (cause instanceof CrtRuntimeException crt) {
      String name = crt.errorName == null ? "" : crt.errorName;
      switch (name) {
        case "AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY":
          return new MqttNotConnectedException(
              operation + " failed: not connected (QoS 0 publishes are not queued while offline)", crt);
        case "AWS_ERROR_MQTT_TIMEOUT":
          return new MqttTimeoutException(operation + " (waiting for the broker's acknowledgement)", ackTimeout);
        case "AWS_ERROR_MQTT5_USER_REQUESTED_STOP":
        case "AWS_ERROR_MQTT5_CLIENT_TERMINATED":
          return new MqttClosedException(operation + " failed: the client is closed");
        default:
          return new MqttException(operation + " failed: " + name + " (" + crt.getMessage() + ")", crt);
      }
    }
    return new MqttException(operation + " failed: " + cause, cause);
  }

  static String errorName(int errorCode) {
    try {
      return CRT.awsErrorName(errorCode);
    } catch (RuntimeException | LinkageError e) {
      return "error " + errorCode;
    }
  }

  private static String errorText(int errorCode) {
    try {
      return CRT.awsErrorString(errorCode);
    } catch (RuntimeException | LinkageError e) {
      return "no description";
    }
  }

  private static String hint(String errorName) {
    return switch (errorName) {
      case "AWS_IO_SOCKET_CONNECTION_REFUSED" -> "; nothing listens on that port";
      case "AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE" ->
          "; the broker's certificate is not signed by the trusted CA, or it refused the client certificate";
      case "AWS_IO_SOCKET_CLOSED" ->
          "; the broker closed the connection (a TLS listener refusing the client certificate, or plain TCP"
              + " against a TLS port)";
      case "AWS_IO_SOCKET_TIMEOUT", "AWS_ERROR_MQTT5_CONNACK_TIMEOUT" -> "; the broker did not answer in time";
      case "AWS_IO_DNS_INVALID_NAME", "AWS_IO_DNS_QUERY_FAILED" -> "; the host name does not resolve";
      default -> "";
    };
  }
}
