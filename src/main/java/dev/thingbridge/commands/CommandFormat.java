package dev.thingbridge.commands;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * The payload format of a commands topic ({@code .../request/json}, {@code .../request/cbor}). Chosen per
 * agent at run time; agents of both formats can run in one process.
 */
public enum CommandFormat {
  JSON("json", "application/json", JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()),
  CBOR("cbor", "application/cbor", CBORMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

  private final String suffix;
  private final String contentType;
  private final ObjectMapper mapper;

  CommandFormat(String suffix, String contentType, ObjectMapper mapper) {
    this.suffix = suffix;
    this.contentType = contentType;
    this.mapper = mapper;
  }

  /** The last topic level: {@code json} or {@code cbor}. */
  public String suffix() {
    return suffix;
  }

  /** The MIME type of the format. */
  public String contentType() {
    return contentType;
  }

  /** The mapper that reads and writes this format. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** The format of a topic suffix, or null. */
  public static CommandFormat ofSuffix(String suffix) {
    for (CommandFormat f : values()) {
      if (f.suffix.equals(suffix)) {
        return f;
      }
    }
    return null;
  }
}
