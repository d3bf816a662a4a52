package dev.thingbridge.transfer.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GetStream request ({@code .../streams/{stream}/get/{cbor|json}}): blocks of one file, chosen by a window
 * offset and a bitmap.
 *
 * @param clientToken {@code c}, or null (rustot and FreeRTOS omit it)
 * @param streamVersion {@code s}, or null
 * @param fileId {@code f}
 * @param blockSize {@code l}, bytes per block
 * @param blockOffset {@code o}, the first block of the window
 * @param bitmap {@code b}, bit k set asks for block {@code o + k} (least significant bit of the first byte first)
 * @param numberOfBlocks {@code n}, the most blocks to send, or null
 */
public record GetStreamRequest(
    String clientToken, Integer streamVersion, int fileId, int blockSize, long blockOffset, byte[] bitmap,
    Integer numberOfBlocks) {
  public GetStreamRequest {
    bitmap = bitmap == null ? null : bitmap.clone();
  }

  @Override
  public byte[] bitmap() {
    return bitmap == null ? null : bitmap.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GetStreamRequest r && Objects.equals(clientToken, r.clientToken)
        && Objects.equals(streamVersion, r.streamVersion) && fileId == r.fileId && blockSize == r.blockSize
        && blockOffset == r.blockOffset && Arrays.equals(bitmap, r.bitmap)
        && Objects.equals(numberOfBlocks, r.numberOfBlocks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientToken, streamVersion, fileId, blockSize, blockOffset, Arrays.hashCode(bitmap),
        numberOfBlocks);
  }

  @Override
  public String toString() {
    return "GetStreamRequest[f=" + fileId + ", l=" + blockSize + ", o=" + blockOffset + ", n=" + numberOfBlocks
        + (bitmap == null ? "" : ", b=" + bitmap.length + " bytes") + "]";
  }
}
