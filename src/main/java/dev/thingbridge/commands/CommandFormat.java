package dev.thingbridge.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.PayloadFormat;

/**
 * The payload format of a commands topic ({@code .../request/json}, {@code .../request/cbor}). Chosen per
 * agent at run time; agents of both formats can run in one process.
 */
public enum CommandFormat {
  JSON(PayloadFormat.JSON),
  CBOR(PayloadFormat.CBOR);

  private final PayloadFormat format;

  CommandFormat(PayloadFormat format) {
    this.format = format;
  }

  /** The last topic level: {@code json} or {@code cbor}. */
  public String suffix() {
    return format.suffix();
  }

  /** The MIME type of the format. */
  public String contentType() {
    return format.contentType();
  }

  /** The mapper that reads and writes this format. */
  public ObjectMapper mapper() {
    return format.mapper();
  }

  /** The same format as the other AWS IoT APIs name it. */
  public PayloadFormat payloadFormat() {
    return format;
  }

  /** The format of a topic suffix, or null. */
  public static CommandFormat ofSuffix(String suffix) {
    for (CommandFormat f : values()) {
      if (f.suffix().equals(suffix)) {
        return f;
      }
    }
    return null;
  }
}
