package dev.thingbridge.transfer;

/** The payload encoding of MQTT stream messages: the last topic level, {@code cbor} or {@code json}. */
public enum StreamFormat {
  /** CBOR, as the FreeRTOS OTA agent and rustot use (payloads as byte strings). */
  CBOR("cbor"),
  /** JSON (payloads and bitmaps as base64 and hex text, about a third larger). */
  JSON("json");

  private final String suffix;

  StreamFormat(String suffix) {
    this.suffix = suffix;
  }

  /** The topic suffix. */
  public String suffix() {
    return suffix;
  }
}
