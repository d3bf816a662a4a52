package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The stream service's side of the wire: requests decoded into trees, replies written with AWS's short keys. In
 * CBOR, replies are indefinite-length maps ({@code BF ... FF}) as AWS sends them, payloads byte strings; in JSON,
 * payloads are base64.
 */
public final class StreamWire {
  /** The payload format, the last level of the topic. */
  public enum Format {
    CBOR("cbor"),
    JSON("json");

    private final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  /** A request that does not decode: {@code InvalidCbor} or {@code InvalidJson}. */
  public static final class DecodeException extends Exception {
    public DecodeException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CBORMapper CBOR = new CBORMapper();
  private static final CBORFactory CBOR_FACTORY = CBOR.getFactory();

  private StreamWire() {}

  /** A request's map. */
  public static JsonNode decode(byte[] payload, Format format) throws DecodeException {
    try {
      JsonNode n = (format == Format.CBOR ? CBOR : JSON).readTree(payload);
      if (n == null || !n.isObject()) {
        throw new DecodeException("the request is not a map");
      }
      return n;
    } catch (IOException | RuntimeException e) {
      throw new DecodeException("the request is not valid " + format.name());
    }
  }

  /** One block. */
  public static byte[] data(Format format, String token, int fileId, int blockSize, long blockId, byte[] payload) {
    return write(format, g -> {
      if (token != null) {
        g.writeStringField("c", token);
      }
      g.writeNumberField("f", fileId);
      g.writeNumberField("l", blockSize);
      g.writeNumberField("i", blockId);
      g.writeFieldName("p");
      g.writeBinary(payload);
    });
  }

  /** A DescribeStream reply; {@code files} as {fileId, size} pairs. */
  public static byte[] description(Format format, String token, int version, String description, List<long[]> files) {
    return write(format, g -> {
      if (token != null) {
        g.writeStringField("c", token);
      }
      g.writeNumberField("s", version);
      if (description != null) {
        g.writeStringField("d", description);
      }
      g.writeFieldName("r");
      g.writeStartArray();
      for (long[] f : files) {
        g.writeStartObject();
        g.writeNumberField("f", f[0]);
        g.writeNumberField("z", f[1]);
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  /** A rejection. */
  public static byte[] error(Format format, String code, String message, String token) {
    return write(format, g -> {
      g.writeStringField("o", code);
      g.writeStringField("m", message);
      if (token != null) {
        g.writeStringField("c", token);
      }
    });
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Format format, Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = format == Format.CBOR ? CBOR_FACTORY.createGenerator(out) : JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
