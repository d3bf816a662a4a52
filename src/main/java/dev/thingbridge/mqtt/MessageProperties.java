package dev.thingbridge.mqtt;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MQTT 5 publish properties thingbridge carries end to end. AWS IoT Commands rely on content type and
 * message expiry; request/response patterns may use response topic and correlation data.
 *
 * <p>Backends that cannot carry a property (MQTT 3.1.1 brokers) drop it silently.
 */
public final class MessageProperties {
  /** No properties at all. */
  public static final MessageProperties NONE = builder().build();

  private final String contentType;
  private final Long messageExpirySeconds;
  private final String responseTopic;
  private final byte[] correlationData;
  private final Boolean payloadIsUtf8;
  private final List<UserProperty> userProperties;

  private MessageProperties(Builder b) {
    this.contentType = b.contentType;
    this.messageExpirySeconds = b.messageExpirySeconds;
    this.responseTopic = b.responseTopic;
    this.correlationData = b.correlationData == null ? null : b.correlationData.clone();
    this.payloadIsUtf8 = b.payloadIsUtf8;
    this.userProperties = List.copyOf(b.userProperties);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these properties. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.contentType = contentType;
    b.messageExpirySeconds = messageExpirySeconds;
    b.responseTopic = responseTopic;
    b.correlationData = correlationData;
    b.payloadIsUtf8 = payloadIsUtf8;
    b.userProperties = userProperties;
    return b;
  }

  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  public Optional<Long> messageExpirySeconds() {
    return Optional.ofNullable(messageExpirySeconds);
  }

  public Optional<String> responseTopic() {
    return Optional.ofNullable(responseTopic);
  }

  public Optional<byte[]> correlationData() {
    return Optional.ofNullable(correlationData).map(byte[]::clone);
  }

  /** The payload format indicator: true for UTF-8 text, false for bytes, empty when unset. */
  public Optional<Boolean> payloadIsUtf8() {
    return Optional.ofNullable(payloadIsUtf8);
  }

  public List<UserProperty> userProperties() {
    return userProperties;
  }

  public boolean isEmpty() {
    return contentType == null
        && messageExpirySeconds == null
        && responseTopic == null
        && correlationData == null
        && payloadIsUtf8 == null
        && userProperties.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageProperties p
        && Objects.equals(contentType, p.contentType)
        && Objects.equals(messageExpirySeconds, p.messageExpirySeconds)
        && Objects.equals(responseTopic, p.responseTopic)
        && Arrays.equals(correlationData, p.correlationData)
        && Objects.equals(payloadIsUtf8, p.payloadIsUtf8)
        && userProperties.equals(p.userProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(contentType, messageExpirySeconds, responseTopic, Arrays.hashCode(correlationData),
        payloadIsUtf8, userProperties);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("MessageProperties[");
    if (contentType != null) s.append("contentType=").append(contentType).append(' ');
    if (messageExpirySeconds != null) s.append("expiry=").append(messageExpirySeconds).append("s ");
    if (responseTopic != null) s.append("responseTopic=").append(responseTopic).append(' ');
    if (correlationData != null) s.append("correlationData=").append(correlationData.length).append("B ");
    if (payloadIsUtf8 != null) s.append("utf8=").append(payloadIsUtf8).append(' ');
    if (!userProperties.isEmpty()) s.append("user=").append(userProperties);
    return s.toString().trim() + "]";
  }

  /** A name/value pair of MQTT 5 user properties. */
  public record UserProperty(String name, String value) {
    public UserProperty {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Builds {@link MessageProperties}; every field is optional. */
  public static final class Builder {
    private String contentType;
    private Long messageExpirySeconds;
    private String responseTopic;
    private byte[] correlationData;
    private Boolean payloadIsUtf8;
    private List<UserProperty> userProperties = List.of();

    private Builder() {}

    public Builder contentType(String value) {
      this.contentType = value;
      return this;
    }

    public Builder messageExpirySeconds(Long seconds) {
      if (seconds != null && (seconds < 0 || seconds > 0xFFFF_FFFFL)) {
        throw new IllegalArgumentException("message expiry must fit 32 unsigned bits: " + seconds);
      }
      this.messageExpirySeconds = seconds;
      return this;
    }

    public Builder responseTopic(String value) {
      this.responseTopic = value;
      return this;
    }

    public Builder correlationData(byte[] value) {
      this.correlationData = value == null ? null : value.clone();
      return this;
    }

    public Builder payloadIsUtf8(Boolean value) {
      this.payloadIsUtf8 = value;
      return this;
    }

    public Builder userProperties(List<UserProperty> value) {
      this.userProperties = List.copyOf(value);
      return this;
    }

    public MessageProperties build() {
      return new MessageProperties(this);
    }
  }
}
