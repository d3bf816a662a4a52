package dev.thingbridge.transfer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import dev.thingbridge.transfer.internal.CborWriter;
import dev.thingbridge.transfer.model.GetStreamRequest;
import dev.thingbridge.transfer.model.StreamBlock;
import dev.thingbridge.transfer.model.StreamDescription;
import dev.thingbridge.transfer.model.StreamError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Encodes the device's stream requests and decodes the service's replies, in CBOR or JSON, with AWS's short
 * keys (https://docs.aws.amazon.com/iot/latest/developerguide/mqtt-based-file-delivery-in-devices.html).
 *
 * <p>Requests are definite-length CBOR maps with their keys in the order {@code c s f l o b n}, absent ones
 * left out: byte for byte what rustot sends. Replies may use definite- or indefinite-length maps (AWS sends
 * {@code BF ... FF}), keys in any order, unknown keys; in JSON the payload is base64 and the bitmap a hex
 * string ({@code "0x130080"}). A reply that does not decode raises {@link StreamDecodeException}, never
 * anything else.
 */
public final class StreamCodec {
  private static final JsonFactory CBOR = new CBORFactory();
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  private StreamCodec() {}

  /** A GetStream request. */
  public static byte[] encode(GetStreamRequest r, StreamFormat format) {
    if (format == StreamFormat.CBOR) {
      int n = 3 + (r.clientToken() == null ? 0 : 1) + (r.streamVersion() == null ? 0 : 1)
          + (r.bitmap() == null ? 0 : 1) + (r.numberOfBlocks() == null ? 0 : 1);
      CborWriter w = new CborWriter().map(n);
      if (r.clientToken() != null) {
        w.text("c").text(r.clientToken());
      }
      if (r.streamVersion() != null) {
        w.text("s").uint(r.streamVersion());
      }
      w.text("f").uint(r.fileId()).text("l").uint(r.blockSize()).text("o").uint(r.blockOffset());
      if (r.bitmap() != null) {
        w.text("b").bytes(r.bitmap());
      }
      if (r.numberOfBlocks() != null) {
        w.text("n").uint(r.numberOfBlocks());
      }
      return w.toByteArray();
    }
    return json(g -> {
      if (r.clientToken() != null) {
        g.writeStringField("c", r.clientToken());
      }
      if (r.streamVersion() != null) {
        g.writeNumberField("s", r.streamVersion());
      }
      g.writeNumberField("f", r.fileId());
      g.writeNumberField("l", r.blockSize());
      g.writeNumberField("o", r.blockOffset());
      if (r.bitmap() != null) {
        g.writeStringField("b", "0x" + HEX.formatHex(r.bitmap()));
      }
      if (r.numberOfBlocks() != null) {
        g.writeNumberField("n", r.numberOfBlocks());
      }
    });
  }

  /** A DescribeStream request ({@code {"c": token}}, or an empty map without a token). */
  public static byte[] encodeDescribe(String clientToken, StreamFormat format) {
    if (format == StreamFormat.CBOR) {
      CborWriter w = new CborWriter().map(clientToken == null ? 0 : 1);
      if (clientToken != null) {
        w.text("c").text(clientToken);
      }
      return w.toByteArray();
    }
    return json(g -> {
      if (clientToken != null) {
        g.writeStringField("c", clientToken);
      }
    });
  }

  /** A data message. */
  public static StreamBlock decodeBlock(byte[] payload, StreamFormat format) {
    String token = null;
    Long file = null;
    Long size = null;
    Long id = null;
    byte[] data = null;
    try (JsonParser p = open(payload, format)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "c" -> token = text(p, key);
          case "f" -> file = uint(p, key, 255);
          case "l" -> size = uint(p, key, Integer.MAX_VALUE);
          case "i" -> id = uint(p, key, Integer.MAX_VALUE);
          case "p" -> data = binary(p, key);
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure("data message", e);
    }
    if (file == null || id == null || data == null) {
      throw new StreamDecodeException("data message lacks " + (file == null ? "f" : id == null ? "i" : "p"));
    }
    return new StreamBlock(token, file.intValue(), size == null ? data.length : size.intValue(), id, data);
  }

  /** A DescribeStream reply. */
  public static StreamDescription decodeDescription(byte[] payload, StreamFormat format) {
    String token = null;
    Long version = null;
    String description = null;
    List<StreamDescription.File> files = new ArrayList<>();
    try (JsonParser p = open(payload, format)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "c" -> token = text(p, key);
          case "s" -> version = uint(p, key, Integer.MAX_VALUE);
          case "d" -> description = text(p, key);
          case "r" -> readFiles(p, files);
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure("stream description", e);
    }
    return new StreamDescription(token, version == null ? null : version.intValue(), description, files);
  }

  /** A rejection; accepts the legacy long keys {@code code}, {@code message} and {@code clientToken} too. */
  public static StreamError decodeError(byte[] payload, StreamFormat format) {
    String code = null;
    String message = null;
    String token = null;
    try (JsonParser p = open(payload, format)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "o", "code" -> code = text(p, key);
          case "m", "message" -> message = text(p, key);
          case "c", "clientToken" -> token = text(p, key);
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure("stream error", e);
    }
    if (code == null) {
      throw new StreamDecodeException("stream error lacks o");
    }
    return new StreamError(code, message, token);
  }

  private static void readFiles(JsonParser p, List<StreamDescription.File> files) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new StreamDecodeException("r must be an array");
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      Long f = null;
      Long z = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "f" -> f = uint(p, key, 255);
          case "z" -> z = uint(p, key, Long.MAX_VALUE);
          default -> p.skipChildren();
        }
      }
      if (f == null || z == null) {
        throw new StreamDecodeException("a file of r lacks " + (f == null ? "f" : "z"));
      }
      files.add(new StreamDescription.File(f.intValue(), z));
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new StreamDecodeException("r must hold maps");
    }
  }

  private static JsonParser open(byte[] payload, StreamFormat format) throws IOException {
    JsonParser p = (format == StreamFormat.CBOR ? CBOR : JSON).createParser(payload);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      p.close();
      throw new StreamDecodeException("not a map");
    }
    return p;
  }

  private static String text(JsonParser p, String key) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new StreamDecodeException(key + " must be text");
    }
    return p.getText();
  }

  private static long uint(JsonParser p, String key, long max) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new StreamDecodeException(key + " must be an unsigned integer");
    }
    long v = p.getLongValue();
    if (v < 0 || v > max) {
      throw new StreamDecodeException(key + " out of range: " + v);
    }
    return v;
  }

  private static byte[] binary(JsonParser p, String key) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_EMBEDDED_OBJECT || t == JsonToken.VALUE_STRING) {
      byte[] b = p.getBinaryValue();
      if (b != null) {
        return b;
      }
    }
    throw new StreamDecodeException(key + " must be bytes (base64 text in JSON)");
  }

  private static StreamDecodeException failure(String what, Exception e) {
    if (e instanceof StreamDecodeException sde) {
      return sde;
    }
    String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.toString();
    return new StreamDecodeException("undecodable " + what + ": " + m, e);
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
