package dev.thingbridge.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The Java type job documents decode into: your own record, a sealed interface with Jackson type info for
 * the job kinds you support, a {@code Map}, or {@link JsonNode} to keep them raw.
 *
 * @param <T> the document type
 */
public final class JobDocumentType<T> {
  /** Documents kept as JSON trees. */
  public static final JobDocumentType<JsonNode> JSON = of(JsonNode.class);

  private final JavaType type;

  private JobDocumentType(JavaType type) {
    this.type = type;
  }

  public static <T> JobDocumentType<T> of(Class<T> type) {
    return new JobDocumentType<>(JobCodec.mapper().constructType(Objects.requireNonNull(type)));
  }

  public static <T> JobDocumentType<T> of(TypeReference<T> type) {
    return new JobDocumentType<>(JobCodec.mapper().constructType(Objects.requireNonNull(type)));
  }

  /**
   * Decodes a document.
   *
   * @throws JobDocumentException with the reason, when the document is absent or does not fit the type
   */
  @SuppressWarnings("unchecked")
  public T decode(JsonNode document) {
    if (document == null || document.isNull() || document.isMissingNode()) {
      throw new JobDocumentException("the execution carries no job document");
    }
    if (type.getRawClass() == JsonNode.class) {
      return (T) document;
    }
    try {
      return JobCodec.mapper().treeToValue(document, type);
    } catch (Exception e) {
      String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
          : e.getMessage();
      throw new JobDocumentException("job document does not fit " + type.getRawClass().getSimpleName()
          + ": " + reason, e);
    }
  }

  @Override
  public String toString() {
    return "JobDocumentType[" + type + "]";
  }
}
