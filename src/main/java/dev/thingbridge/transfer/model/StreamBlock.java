package dev.thingbridge.transfer.model;

import java.util.Objects;

/**
 * One data message of a stream ({@code .../streams/{stream}/data/{cbor|json}}): a block of a file.
 *
 * @param clientToken {@code c}, or null
 * @param fileId {@code f}
 * @param blockSize {@code l}, this block's payload length as the service states it
 * @param blockId {@code i}
 * @param payload {@code p}; owned by the record (not copied, for speed: do not change it)
 */
public record StreamBlock(String clientToken, int fileId, int blockSize, long blockId, byte[] payload) {
  public StreamBlock {
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamBlock b && Objects.equals(clientToken, b.clientToken) && fileId == b.fileId
        && blockSize == b.blockSize && blockId == b.blockId && java.util.Arrays.equals(payload, b.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientToken, fileId, blockSize, blockId, java.util.Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "StreamBlock[f=" + fileId + ", i=" + blockId + ", l=" + blockSize + ", " + payload.length + " bytes]";
  }
}
