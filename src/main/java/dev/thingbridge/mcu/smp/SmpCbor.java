package dev.thingbridge.mcu.smp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * CBOR bodies of SMP messages through Jackson's streaming generator: requests go out as definite-length maps with
 * minimal integers and byte strings for {@code data}, {@code sha} and {@code hash} (what zcbor built with
 * {@code ZCBOR_CANONICAL} insists on, and what every published vector shows). Jackson's {@code ObjectMapper} would
 * write indefinite-length maps. Decoding accepts both kinds, since default Zephyr and MCUboot builds reply with
 * indefinite-length maps.
 */
public final class SmpCbor {
  private static final CBORFactory FACTORY = new CBORFactory();
  private static final CBORMapper MAPPER = new CBORMapper(FACTORY);

  private SmpCbor() {}

  /**
   * Encodes a map in iteration order as a definite-length map. Values may be {@code String}, {@code Integer},
   * {@code Long}, {@code Boolean}, {@code byte[]}, nested {@code Map<String, ?>} and {@code List<?>} of these.
   */
  public static byte[] encode(Map<String, ?> map) {
    return encode(map, true);
  }

  /** Encodes a map with definite-length ({@code true}) or indefinite-length ({@code bf ... ff}) containers. */
  public static byte[] encode(Map<String, ?> map, boolean definite) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (CBORGenerator gen = FACTORY.createGenerator(out)) {
      gen.enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS);
      writeMap(gen, map, definite);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeMap(CBORGenerator gen, Map<String, ?> map, boolean definite) throws IOException {
    if (definite) {
      gen.writeStartObject(map, map.size());
    } else {
      gen.writeStartObject();
    }
    for (Map.Entry<String, ?> e : map.entrySet()) {
      gen.writeFieldName(e.getKey());
      writeValue(gen, e.getValue(), definite);
    }
    gen.writeEndObject();
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(CBORGenerator gen, Object v, boolean definite) throws IOException {
    if (v == null) {
      gen.writeNull();
    } else if (v instanceof String s) {
      gen.writeString(s);
    } else if (v instanceof Integer i) {
      gen.writeNumber(i);
    } else if (v instanceof Long l) {
      gen.writeNumber(l);
    } else if (v instanceof Boolean b) {
      gen.writeBoolean(b);
    } else if (v instanceof byte[] bytes) {
      gen.writeBinary(bytes);
    } else if (v instanceof Map<?, ?> m) {
      writeMap(gen, (Map<String, ?>) m, definite);
    } else if (v instanceof List<?> list) {
      if (definite) {
        gen.writeStartArray(list, list.size());
      } else {
        gen.writeStartArray();
      }
      for (Object item : list) {
        writeValue(gen, item, definite);
      }
      gen.writeEndArray();
    } else {
      throw new IllegalArgumentException("no CBOR mapping for " + v.getClass().getName());
    }
  }

  /**
   * Decodes a body that must be exactly one CBOR map (definite or indefinite); byte strings become binary
   * nodes.
   *
   * @throws SmpFormatException for anything else, trailing bytes included
   */
  public static ObjectNode decode(byte[] body) throws SmpFormatException {
    if (body.length == 0) {
      throw new SmpFormatException("empty SMP body (a server answers at least an empty map)");
    }
    try (JsonParser p = MAPPER.createParser(body)) {
      JsonNode node = MAPPER.readTree(p);
      if (node == null || !node.isObject()) {
        throw new SmpFormatException("SMP body is not a CBOR map");
      }
      if (p.nextToken() != null) {
        throw new SmpFormatException("bytes after the CBOR map of an SMP body");
      }
      return (ObjectNode) node;
    } catch (IOException | RuntimeException e) {
      throw new SmpFormatException("bad CBOR in SMP body: " + e.getClass().getSimpleName(), e);
    }
  }

}
