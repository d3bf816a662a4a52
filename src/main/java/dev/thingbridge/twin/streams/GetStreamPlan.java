package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a GetStream request asks for, checked by AWS's rules
 * (https://docs.aws.amazon.com/iot/latest/developerguide/mqtt-based-file-delivery-in-devices.html): the file,
 * the block size (256-131072), the offset (0-98304, inside the file), the bitmap (under 12,288 bytes) or a count
 * ({@code n}, at most 98,304), at most 128 KiB of blocks in all. A request that breaks one is refused with the
 * documented code.
 *
 * @param token the {@code c} to echo, or null
 * @param file the file
 * @param fileSize its size
 * @param blockSize {@code l}
 * @param blocks the block ids to send, in order
 */
record GetStreamPlan(String token, StreamFile file, long fileSize, int blockSize, List<Long> blocks) {
  static final int MAX_BLOCK = 131_072;
  static final int MIN_BLOCK = 256;
  static final int MAX_OFFSET = 98_304;
  static final int MAX_COUNT = 98_304;
  static final int MAX_BITMAP = 12_288;
  static final int MAX_BYTES_PER_REQUEST = 128 * 1024;

  /** A refused request. */
  public static final class Rejection extends Exception {
    private final String code;
    private final String token;

    public Rejection(String code, String message, String token) {
      super(message);
      this.code = code;
      this.token = token;
    }

    public String code() {
      return code;
    }

    public String token() {
      return token;
    }
  }

  /** The client token of a request: text of at most 64 characters, or null when absent. */
  public static String token(JsonNode r) throws Rejection {
    JsonNode c = r.get("c");
    if (c == null || c.isNull()) {
      return null;
    }
    if (!c.isTextual() || c.asText().length() > 64 || c.asText().isEmpty()) {
      throw new Rejection("InvalidRequest", "The client token must be a string of 1-64 characters", null);
    }
    return c.asText();
  }

  /** Checks a request against a stream. */
  public static GetStreamPlan of(JsonNode r, StreamDefinition stream) throws Rejection {
    String token = token(r);
    Long s = integer(r, "s", token);
    if (s != null && s != stream.version()) {
      throw new Rejection("VersionMismatch", "The stream version is " + stream.version(), token);
    }
    Long f = integer(r, "f", token);
    if (f == null) {
      throw new Rejection("InvalidRequest", "The file id (f) is required", token);
    }
    StreamFile file = f >= 0 && f <= 255 ? stream.file((int) (long) f) : null;
    if (file == null) {
      throw new Rejection("ResourceNotFound", "The stream has no file " + f, token);
    }
    Long l = integer(r, "l", token);
    if (l == null || l < MIN_BLOCK || l > MAX_BLOCK) {
      throw new Rejection("BlockSizeOutOfBounds", "The block size is out of bounds", token);
    }
    int blockSize = (int) (long) l;
    long size;
    try {
      size = file.source().size();
    } catch (IOException e) {
      throw new Rejection("InternalError", "The file cannot be read", token);
    }
    long totalBlocks = (size + blockSize - 1) / blockSize;
    Long o = integer(r, "o", token);
    long offset = o == null ? 0 : o;
    if (offset < 0 || offset > MAX_OFFSET || offset >= totalBlocks) {
      throw new Rejection("OffsetOutOfBounds", "The block offset is out of bounds", token);
    }
    Long n = integer(r, "n", token);
    if (n != null && (n < 0 || n > MAX_COUNT)) {
      throw new Rejection("BlockCountLimitExceeded", "The number of blocks is out of bounds", token);
    }
    byte[] bitmap = bitmap(r, token);
    int perRequest = MAX_BYTES_PER_REQUEST / blockSize;
    int cap = (int) Math.min(perRequest, n == null || n == 0 ? perRequest : n);
    List<Long> blocks = new ArrayList<>();
    if (bitmap == null) {
      for (long id = offset; id < totalBlocks && blocks.size() < cap; id++) {
        blocks.add(id);
      }
    } else {
      for (int k = 0; k < bitmap.length * 8 && blocks.size() < cap; k++) {
        if ((bitmap[k >> 3] & (1 << (k & 7))) != 0 && offset + k < totalBlocks) {
          blocks.add(offset + k);
        }
      }
    }
    return new GetStreamPlan(token, file, size, blockSize, List.copyOf(blocks));
  }

  private static byte[] bitmap(JsonNode r, String token) throws Rejection {
    JsonNode b = r.get("b");
    if (b == null || b.isNull()) {
      return null;
    }
    byte[] bytes;
    if (b.isBinary()) {
      try {
        bytes = b.binaryValue();
      } catch (IOException e) {
        throw new Rejection("InvalidRequest", "The bitmap is malformed", token);
      }
    } else if (b.isTextual()) {
      String hex = b.asText();
      if (hex.startsWith("0x") || hex.startsWith("0X")) {
        hex = hex.substring(2);
      }
      try {
        bytes = HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new Rejection("InvalidRequest", "The bitmap must be a hex string", token);
      }
    } else {
      throw new Rejection("InvalidRequest", "The bitmap must be bytes", token);
    }
    if (bytes.length >= MAX_BITMAP) {
      throw new Rejection("BlockBitmapLimitExceeded", "The bitmap is too large", token);
    }
    return bytes;
  }

  private static Long integer(JsonNode r, String key, String token) throws Rejection {
    JsonNode v = r.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Rejection("InvalidRequest", "'" + key + "' must be an integer", token);
    }
    return v.asLong();
  }
}
