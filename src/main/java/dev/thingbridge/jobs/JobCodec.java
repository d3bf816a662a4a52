package dev.thingbridge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON encoding of the Jobs wire records ({@link dev.thingbridge.jobs.model}). Decoding is lenient where
 * AWS may grow: unknown fields are ignored, unknown statuses and error codes become {@code UNKNOWN}; it is
 * strict where a message would be meaningless (not JSON, a required field missing).
 */
public final class JobCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private JobCodec() {}

  /** The mapper used for the wire model; also the one job documents are converted with. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Encodes a request record as compact JSON. */
  public static byte[] encode(Object request) {
    try {
      return MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + request.getClass().getSimpleName() + ": "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Decodes a reply or notification.
   *
   * @throws IllegalArgumentException with the reason when the payload is not a valid message of that type
   */
  public static <T> T decode(byte[] payload, Class<T> type) {
    try {
      T value = MAPPER.readValue(payload, type);
      if (value == null) {
        throw new IllegalArgumentException("not a " + type.getSimpleName() + ": the payload is JSON null");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
