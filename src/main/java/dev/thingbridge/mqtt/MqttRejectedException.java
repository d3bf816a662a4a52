package dev.thingbridge.mqtt;

/**
 * The service answered a request on its {@code rejected} topic. Carries the error document so a service
 * can map it to its own typed error (a Jobs error code, a Shadow HTTP-like status, a Commands error).
 */
public class MqttRejectedException extends MqttException {
  private final transient MqttRequest request;
  private final transient MqttMessage reply;

  public MqttRejectedException(MqttRequest request, MqttMessage reply) {
    super("request on " + request.topic() + " rejected: " + abbreviate(reply.payloadAsString()));
    this.request = request;
    this.reply = reply;
  }

  /** The request that was rejected. */
  public MqttRequest request() {
    return request;
  }

  /** The error reply as received. */
  public MqttMessage reply() {
    return reply;
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
