package dev.thingbridge.transfer.model;

import java.util.List;

/**
 * A DescribeStream reply ({@code .../streams/{stream}/description/{cbor|json}}).
 *
 * @param clientToken {@code c}, or null
 * @param streamVersion {@code s}, or null
 * @param description {@code d}, or null
 * @param files {@code r}: the files of the stream
 */
public record StreamDescription(String clientToken, Integer streamVersion, String description, List<File> files) {
  public StreamDescription {
    files = files == null ? List.of() : List.copyOf(files);
  }

  /**
   * One file of a stream.
   *
   * @param fileId {@code f}
   * @param size {@code z}, in bytes
   */
  public record File(int fileId, long size) {}
}
