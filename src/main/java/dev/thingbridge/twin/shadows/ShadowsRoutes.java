package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Topics;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Route;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The shadow operations of the AWS IoT data plane (service {@code iot-data}) over HTTP, shaped like AWS's
 * REST API so that {@code IotDataPlaneClient} works against the twin: same paths, methods, query parameters,
 * bodies, status codes and {@code x-amzn-ErrorType} values.
 */
final class ShadowsRoutes {
  private static final String SHADOW_PATH = "/things/(?<thingName>[^/]+)/shadow";

  private final ShadowsService service;

  public ShadowsRoutes(ShadowsService service) {
    this.service = service;
  }

  public List<Route> routes() {
    return List.of(
        Route.of("GetThingShadow", "GET", SHADOW_PATH, r -> call(() -> document(service.get(thing(r), shadow(r))))),
        Route.of("UpdateThingShadow", "POST", SHADOW_PATH,
            r -> call(() -> document(service.update(thing(r), shadow(r), r.body())))),
        Route.of("DeleteThingShadow", "DELETE", SHADOW_PATH,
            r -> call(() -> document(service.delete(thing(r), shadow(r))))),
        Route.of("ListNamedShadowsForThing", "GET",
            "/api/things/shadow/ListNamedShadowsForThing/(?<thingName>[^/]+)", r -> call(() -> list(r))),
        Route.of("Publish", "POST", "/topics/(?<topic>.+)", r -> call(() -> publish(r))));
  }

  private static ApiResponse document(ObjectNode doc) {
    return ApiResponse.bytes(200, "application/json", ShadowJson.bytes(doc));
  }

  private ApiResponse list(ApiRequest r) {
    Integer pageSize = null;
    Optional<String> size = r.queryParam("pageSize");
    if (size.isPresent()) {
      try {
        pageSize = Integer.valueOf(size.get());
      } catch (NumberFormatException e) {
        throw AwsApiException.invalidRequest("pageSize must be a number");
      }
    }
    NamedShadowPage page = service.listNamedShadows(thing(r), r.queryParam("nextToken").orElse(null), pageSize);
    ObjectNode body = ShadowJson.object();
    ArrayNode results = body.putArray("results");
    page.results().forEach(results::add);
    if (page.nextToken() != null) {
      body.put("nextToken", page.nextToken());
    }
    body.put("timestamp", page.timestamp());
    return document(body);
  }

  private ApiResponse publish(ApiRequest r) {
    String topic = r.pathParam("topic");
    try {
      Topics.requireValidTopic(topic, Topics.MQTT_MAX_TOPIC_BYTES);
    } catch (IllegalArgumentException e) {
      throw AwsApiException.invalidRequest(e.getMessage());
    }
    QoS qos;
    try {
      qos = QoS.of(Integer.parseInt(r.queryParam("qos").orElse("0")));
    } catch (IllegalArgumentException e) {
      throw AwsApiException.invalidRequest("qos must be 0 or 1");
    }
    if (r.body().length > service.limits().maxPayloadBytes()) {
      throw new AwsApiException(413, "RequestEntityTooLargeException", "The payload exceeds the maximum size allowed");
    }
    boolean retain = Boolean.parseBoolean(r.queryParam("retain").orElse("false"));
    service.publish(new MqttMessage(topic, r.body(), qos, retain, properties(r)));
    return ApiResponse.bytes(200, "application/json", new byte[0]);
  }

  private static MessageProperties properties(ApiRequest r) {
    MessageProperties.Builder b = MessageProperties.builder();
    r.queryParam("contentType").ifPresent(b::contentType);
    r.queryParam("responseTopic").ifPresent(b::responseTopic);
    try {
      r.queryParam("messageExpiry").ifPresent(v -> b.messageExpirySeconds(Long.valueOf(v)));
      header(r, "x-amz-mqtt5-payload-format-indicator")
          .ifPresent(v -> b.payloadIsUtf8("UTF8_DATA".equals(v)));
      header(r, "x-amz-mqtt5-correlation-data").ifPresent(v -> b.correlationData(Base64.getDecoder().decode(v)));
      Optional<String> user = header(r, "x-amz-mqtt5-user-properties");
      if (user.isPresent()) {
        b.userProperties(userProperties(Base64.getDecoder().decode(user.get())));
      }
    } catch (IllegalArgumentException e) {
      throw AwsApiException.invalidRequest("invalid MQTT 5 property: " + e.getMessage());
    }
    return b.build();
  }

  /** AWS sends user properties as base64 of a JSON array of one-entry objects, e.g. {@code [{"k":"v"}]}. */
  private static List<MessageProperties.UserProperty> userProperties(byte[] json) {
    JsonNode root;
    try {
      root = ShadowJson.parse(json);
    } catch (ShadowJson.ParseException e) {
      throw new IllegalArgumentException("user properties are not JSON");
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("user properties must be a JSON array");
    }
    List<MessageProperties.UserProperty> out = new ArrayList<>();
    for (JsonNode entry : root) {
      if (!entry.isObject()) {
        throw new IllegalArgumentException("each user property must be an object");
      }
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) entry::fields) {
        out.add(new MessageProperties.UserProperty(e.getKey(),
            e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      }
    }
    return out;
  }

  private static Optional<String> header(ApiRequest r, String name) {
    List<String> values = r.headers().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static String thing(ApiRequest r) {
    String thing = r.pathParam("thingName");
    if (!AwsNames.isThingName(thing)) {
      throw AwsApiException.invalidRequest("Invalid thing name");
    }
    return thing;
  }

  private static String shadow(ApiRequest r) {
    String name = r.queryParam("name").orElse(ShadowServiceTopics.CLASSIC);
    if (!name.isEmpty() && !AwsNames.isShadowName(name)) {
      throw AwsApiException.invalidRequest("Invalid shadow name");
    }
    return name;
  }

  private static ApiResponse call(Supplier<ApiResponse> operation) {
    try {
      return operation.get();
    } catch (ShadowServiceException e) {
      throw new AwsApiException(e.code(), errorType(e.code()), e.getMessage());
    }
  }

  /** The {@code x-amzn-ErrorType} of each shadow error code, as the iot-data API names them. */
  static String errorType(int code) {
    return switch (code) {
      case 400 -> "InvalidRequestException";
      case 401, 403 -> "UnauthorizedException";
      case 404 -> "ResourceNotFoundException";
      case 405 -> "MethodNotAllowedException";
      case 409 -> "ConflictException";
      case 413 -> "RequestEntityTooLargeException";
      case 415 -> "UnsupportedDocumentEncodingException";
      case 429 -> "ThrottlingException";
      case 503 -> "ServiceUnavailableException";
      default -> "InternalFailureException";
    };
  }

}
