package dev.thingbridge.twin.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.UpdateRejection.Code;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes device updates and encodes the cloud's replies, in JSON or CBOR. A {@code bin} result is a CBOR byte
 * string in CBOR and base64 text in JSON; base64 text is accepted in CBOR too (some device libraries send it).
 * A bare {@code /response} topic is read and answered as JSON.
 */
final class DeviceUpdateCodec {
  /** Longest result key the twin accepts. */
  public static final int MAX_RESULT_KEY_LENGTH = 192;

  private final ObjectMapper json = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final ObjectMapper cbor = new CBORMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The mapper for a topic format (NONE means JSON). */
  public ObjectMapper mapper(PayloadFormat format) {
    return format == PayloadFormat.CBOR ? cbor : json;
  }

  /**
   * Decodes and validates one update.
   *
   * @throws UpdateRejection with INVALID_JSON for a JSON payload that does not parse, INVALID_REQUEST for
   *     undecodable CBOR and for every field that breaks the documented rules
   */
  public DeviceUpdate decode(byte[] payload, PayloadFormat format) throws UpdateRejection {
    JsonNode root;
    try {
      root = mapper(format).readTree(payload);
    } catch (IOException | RuntimeException e) {
      throw format == PayloadFormat.CBOR
          ? new UpdateRejection(Code.INVALID_REQUEST, "Payload is not valid CBOR.")
          : new UpdateRejection(Code.INVALID_JSON, "Payload is not valid JSON.");
    }
    if (root == null || !root.isObject()) {
      throw format == PayloadFormat.CBOR
          ? new UpdateRejection(Code.INVALID_REQUEST, "Payload must be a CBOR map.")
          : new UpdateRejection(Code.INVALID_JSON, "Payload must be a JSON object.");
    }
    JsonNode statusNode = root.get("status");
    if (statusNode == null || statusNode.isNull()) {
      throw invalid("Missing required field: status.");
    }
    CommandExecutionStatus status = statusNode.isTextual()
        ? CommandExecutionStatus.fromName(statusNode.textValue()) : null;
    if (status == null || !status.reportableByDevice()) {
      throw invalid("Invalid status: " + abbreviate(statusNode.toString())
          + ". Valid values are IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, TIMED_OUT.");
    }
    return new DeviceUpdate(status, reason(root.get("statusReason")), result(root.get("result")));
  }

  private static StatusReason reason(JsonNode node) throws UpdateRejection {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid("statusReason must be an object.");
    }
    JsonNode code = node.get("reasonCode");
    JsonNode description = node.get("reasonDescription");
    if (code != null && !code.isNull() && !code.isTextual()) {
      throw invalid("statusReason.reasonCode must be a string.");
    }
    if (description != null && !description.isNull() && !description.isTextual()) {
      throw invalid("statusReason.reasonDescription must be a string.");
    }
    String codeText = code == null || code.isNull() ? null : code.textValue();
    String descriptionText = description == null || description.isNull() ? null : description.textValue();
    String problem = StatusReason.validateDeviceReason(codeText, descriptionText);
    if (problem != null) {
      throw invalid(problem + ".");
    }
    return new StatusReason(codeText, descriptionText);
  }

  private static Map<String, ResultValue> result(JsonNode node) throws UpdateRejection {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid("result must be a map of names to values.");
    }
    if (node.isEmpty()) {
      throw invalid("result must contain at least one entry.");
    }
    Map<String, ResultValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (key.isEmpty() || key.length() > MAX_RESULT_KEY_LENGTH) {
        throw invalid("result names must be 1 to " + MAX_RESULT_KEY_LENGTH + " characters long.");
      }
      out.put(key, value(key, e.getValue()));
    }
    return out;
  }

  private static ResultValue value(String key, JsonNode v) throws UpdateRejection {
    if (v == null || !v.isObject() || v.size() != 1) {
      throw invalid("result." + abbreviate(key) + " must have exactly one of s, b or bin.");
    }
    if (v.has("s")) {
      JsonNode s = v.get("s");
      if (!s.isTextual()) {
        throw invalid("result." + abbreviate(key) + ".s must be a string.");
      }
      return ResultValue.ofString(s.textValue());
    }
    if (v.has("b")) {
      JsonNode b = v.get("b");
      if (!b.isBoolean()) {
        throw invalid("result." + abbreviate(key) + ".b must be a boolean.");
      }
      return ResultValue.ofBoolean(b.booleanValue());
    }
    if (v.has("bin")) {
      JsonNode bin = v.get("bin");
      if (bin.isBinary()) {
        try {
          return ResultValue.ofBinary(bin.binaryValue());
        } catch (IOException e) {
          throw invalid("result." + abbreviate(key) + ".bin is unreadable.");
        }
      }
      if (bin.isTextual()) {
        try {
          return ResultValue.ofBinary(Base64.getDecoder().decode(bin.textValue()));
        } catch (IllegalArgumentException e) {
          throw invalid("result." + abbreviate(key) + ".bin must be base64.");
        }
      }
      throw invalid("result." + abbreviate(key) + ".bin must be binary.");
    }
    throw invalid("result." + abbreviate(key) + " must have exactly one of s, b or bin.");
  }

  /** The accepted document: {@code {"executionId": ...}}. */
  public byte[] accepted(String executionId, PayloadFormat format) {
    ObjectNode doc = json.createObjectNode();
    doc.put("executionId", executionId);
    return encode(doc, format);
  }

  /** The rejected document: {@code {"error": ..., "errorMessage": ..., "executionId": ...}}. */
  public byte[] rejected(String executionId, UpdateRejection rejection, PayloadFormat format) {
    ObjectNode doc = json.createObjectNode();
    doc.put("error", rejection.code().name());
    doc.put("errorMessage", rejection.getMessage());
    doc.put("executionId", executionId);
    return encode(doc, format);
  }

  /** Encodes a document in a topic's format. */
  public byte[] encode(JsonNode doc, PayloadFormat format) {
    try {
      return mapper(format).writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a reply", e);
    }
  }

  private static UpdateRejection invalid(String message) {
    return new UpdateRejection(Code.INVALID_REQUEST, message);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
