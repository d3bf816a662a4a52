package dev.thingbridge.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;

/**
 * The two payload encodings AWS IoT's reserved-topic APIs speak (Fleet Provisioning, Device Defender): the
 * format is the last level of the topic ({@code .../json}, {@code .../cbor}) and is chosen per request at run
 * time, so clients of both formats can run in one process.
 *
 * <p>Encoders that need definite-length CBOR maps (what AWS's embedded libraries and rustot emit) write
 * Jackson trees: a tree's maps know their size, a bean's do not.
 */
public enum PayloadFormat {
  JSON("json", "application/json", JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build()),
  CBOR("cbor", "application/cbor", CBORMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build());

  private final String suffix;
  private final String contentType;
  private final ObjectMapper mapper;

  PayloadFormat(String suffix, String contentType, ObjectMapper mapper) {
    this.suffix = suffix;
    this.contentType = contentType;
    this.mapper = mapper;
  }

  /** The topic level: {@code json} or {@code cbor}. */
  public String suffix() {
    return suffix;
  }

  /** The MIME type, for the MQTT 5 content type. */
  public String contentType() {
    return contentType;
  }

  /** The Jackson mapper that reads and writes this format (shared; do not reconfigure it). */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** The format named by a topic level, or null. */
  public static PayloadFormat ofSuffix(String suffix) {
    for (PayloadFormat f : values()) {
      if (f.suffix.equals(suffix)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Parses a payload into a tree.
   *
   * @throws IllegalArgumentException with a short reason (no parser internals) if it is not valid in this
   *     format, or is empty
   */
  public JsonNode readTree(byte[] payload) {
    if (payload.length == 0) {
      throw new IllegalArgumentException("the payload is empty");
    }
    try {
      JsonNode node = mapper.readTree(payload);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("the payload is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid " + suffix + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid " + suffix + ": " + e.getMessage(), e);
    }
  }

  /** Writes a tree; maps come out definite-length in CBOR. */
  public byte[] write(JsonNode tree) {
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a " + suffix + " tree: " + e.getOriginalMessage(), e);
    }
  }
}
