package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the Fleet Provisioning requests and decodes their replies, in JSON or CBOR (same member names,
 * definite-length CBOR maps). Decoding checks what a device relies on and says which member is wrong.
 */
public final class ProvisioningCodec {
  /** The longest certificate ownership token accepted. */
  public static final int MAX_OWNERSHIP_TOKEN = 512;

  private ProvisioningCodec() {}

  /** The CreateCertificateFromCsr request: {@code {"certificateSigningRequest":"<PEM>"}}. */
  public static byte[] encodeCsrRequest(String csrPem, PayloadFormat format) {
    ObjectNode root = format.mapper().createObjectNode();
    root.put("certificateSigningRequest", csrPem);
    return format.write(root);
  }

  /**
   * The RegisterThing request: {@code {"certificateOwnershipToken":"...","parameters":{...}}}, the parameters
   * left out when there are none.
   */
  public static byte[] encodeRegisterThing(RegisterThingRequest request, PayloadFormat format) {
    ObjectNode root = format.mapper().createObjectNode();
    root.put("certificateOwnershipToken", request.ownershipToken());
    if (!request.parameters().isEmpty()) {
      ObjectNode p = root.putObject("parameters");
      request.parameters().forEach(p::put);
    }
    return format.write(root);
  }

  /**
   * Decodes the accepted reply of a create step.
   *
   * @param withPrivateKey true for CreateKeysAndCertificate, whose reply must carry {@code privateKey}
   * @throws IllegalArgumentException naming the missing or malformed member
   */
  public static IssuedCertificate decodeCreateAccepted(byte[] payload, PayloadFormat format, boolean withPrivateKey) {
    JsonNode root = object(payload, format, "certificate reply");
    String token = requiredText(root, "certificateOwnershipToken");
    if (token.length() > MAX_OWNERSHIP_TOKEN) {
      throw new IllegalArgumentException("certificateOwnershipToken is " + token.length()
          + " characters, over the " + MAX_OWNERSHIP_TOKEN + " a device accepts");
    }
    String pem = requiredText(root, "certificatePem");
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("certificatePem is not a PEM certificate");
    }
    String key = withPrivateKey ? requiredText(root, "privateKey") : null;
    if (key != null && !key.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException("privateKey is not a PEM private key");
    }
    return new IssuedCertificate(requiredText(root, "certificateId"), pem, key, token);
  }

  /**
   * Decodes the accepted reply of RegisterThing.
   *
   * @throws IllegalArgumentException if {@code thingName} is missing or {@code deviceConfiguration} is not an
   *     object
   */
  public static RegisterThingReply decodeRegisterAccepted(byte[] payload, PayloadFormat format) {
    JsonNode root = object(payload, format, "RegisterThing reply");
    JsonNode config = root.get("deviceConfiguration");
    if (config != null && !config.isNull() && !config.isObject()) {
      throw new IllegalArgumentException("deviceConfiguration must be an object");
    }
    return new RegisterThingReply(requiredText(root, "thingName"), config == null || config.isNull() ? null : config);
  }

  /**
   * Decodes a rejected reply. Never fails: an undecodable one gives status 0, no code and its text (cut to
   * 300 characters) as the message.
   */
  public static ProvisioningError decodeError(byte[] payload, PayloadFormat format) {
    JsonNode root;
    try {
      root = object(payload, format, "error");
    } catch (IllegalArgumentException e) {
      String text = new String(payload, StandardCharsets.UTF_8);
      return new ProvisioningError(0, null, text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
    JsonNode status = root.get("statusCode");
    int code = status != null && status.canConvertToInt() ? status.intValue()
        : status != null && status.isTextual() ? parseInt(status.asText()) : 0;
    return new ProvisioningError(code, text(root, "errorCode"), text(root, "errorMessage"));
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonNode object(byte[] payload, PayloadFormat format, String what) {
    JsonNode root = format.readTree(payload);
    if (!root.isObject()) {
      throw new IllegalArgumentException("the " + what + " is not a " + format.suffix() + " map");
    }
    return root;
  }

  private static String requiredText(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    if (!n.isTextual() || n.asText().isEmpty()) {
      throw new IllegalArgumentException(name + " must be a non-empty string");
    }
    return n.asText();
  }

  private static String text(JsonNode root, String name) {
    JsonNode n = root.get(name);
    return n == null || n.isNull() ? null : n.asText();
  }
}
