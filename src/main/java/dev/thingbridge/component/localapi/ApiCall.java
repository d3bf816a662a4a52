package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One local API request: who sent it (the component name in its topic), what it asks for, its correlation id and
 * its JSON body. The readers fail with {@code BAD_REQUEST} naming the field.
 *
 * @param caller the calling component, from the topic
 * @param service the service, from the topic ({@code shadow}, {@code jobs}...)
 * @param operation the operation, from the topic ({@code get}, {@code claim}...)
 * @param correlationId the caller's correlation id, echoed in the response
 * @param body the request body (a JSON object, correlation id included)
 */
public record ApiCall(String caller, String service, String operation, String correlationId, ObjectNode body) {
  public ApiCall {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(body, "body");
  }

  /** {@code service/operation}. */
  public String operationName() {
    return service + "/" + operation;
  }

  /** A required non-empty string field. */
  public String text(String field) {
    return optionalText(field).orElseThrow(() -> ApiException.badRequest("'" + field + "' is required"));
  }

  /** An optional string field; present but not a string, or empty, is a bad request. */
  public Optional<String> optionalText(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw ApiException.badRequest("'" + field + "' must be a non-empty string");
    }
    return Optional.of(v.asText());
  }

  /** An optional object field. */
  public Optional<ObjectNode> optionalObject(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw ApiException.badRequest("'" + field + "' must be a JSON object");
    }
    return Optional.of((ObjectNode) v);
  }

  /** An optional integral number field within bounds. */
  public Optional<Long> optionalLong(String field, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ApiException.badRequest("'" + field + "' must be an integer between " + min + " and " + max);
    }
    return Optional.of(v.asLong());
  }

  /** An optional list of strings. */
  public List<String> textList(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.badRequest("'" + field + "' must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw ApiException.badRequest("'" + field + "' must be a list of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  /** An optional map of string to string (statusDetails). */
  public Map<String, String> stringMap(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw ApiException.badRequest("'" + field + "' must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    var it = v.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().isTextual()) {
        throw ApiException.badRequest("'" + field + "." + e.getKey() + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
