package dev.thingbridge.cli;

import dev.thingbridge.mqtt.PayloadFormat;

/** {@code --format json|cbor} of the provisioning and Defender commands, lower case as the topics spell it. */
enum FormatOption {
  json(PayloadFormat.JSON), cbor(PayloadFormat.CBOR);

  private final PayloadFormat format;

  FormatOption(PayloadFormat format) {
    this.format = format;
  }

  PayloadFormat payloadFormat() {
    return format;
  }
}
