package dev.thingbridge.twin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/** JSON bodies of the control-plane routes (AWS restJson): parsing with AWS-shaped errors, and rendering. */
public final class ApiJson {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ApiJson() {}

  /** The body as a JSON object; an empty body is an empty object. */
  public static ObjectNode body(ApiRequest request) {
    if (request.body().length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(request.body());
    } catch (IOException e) {
      throw new AwsApiException(400, "InvalidRequestException", "The request body is not valid JSON");
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw AwsApiException.invalidRequest("The request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** A text field, or null; refuses other types. */
  public static String text(JsonNode object, String field) {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw AwsApiException.invalidRequest(field + " must be a string");
    }
    return v.asText();
  }

  /** 200 with this object as the body. */
  public static ApiResponse ok(ObjectNode body) {
    try {
      return ApiResponse.json(MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A timestamp as restJson carries it: epoch seconds with milliseconds as the fraction. */
  public static BigDecimal epochSeconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  /** A boolean query parameter ({@code true}/{@code false}), refusing anything else. */
  public static boolean boolParam(ApiRequest request, String name) {
    String raw = request.queryParam(name).orElse("false");
    if (raw.equalsIgnoreCase("true")) {
      return true;
    }
    if (raw.equalsIgnoreCase("false") || raw.isEmpty()) {
      return false;
    }
    throw AwsApiException.invalidRequest(name + " must be true or false, got '" + raw + "'");
  }
}
