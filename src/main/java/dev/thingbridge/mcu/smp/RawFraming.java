package dev.thingbridge.mcu.smp;

import java.util.function.Consumer;

/**
 * Raw SMP over a UART ({@code CONFIG_MCUMGR_TRANSPORT_RAW_UART} in Zephyr, {@code BOOT_SERIAL_RAW_PROTOCOL} in
 * MCUboot): header and body in binary, framed only by the header's length. There is no checksum, so the line
 * must carry nothing else; a receiver discards a stalled partial message after an input timeout (the caller's
 * {@link SmpFrameDecoder#reset()}).
 */
public final class RawFraming implements SmpFraming {
  @Override
  public String name() {
    return "raw";
  }

  @Override
  public byte[] encode(byte[] message) {
    return message.clone();
  }

  @Override
  public int wireSize(int messageSize) {
    return messageSize;
  }

  @Override
  public int maxMessageSize(int bufSize) {
    return bufSize;
  }

  @Override
  public SmpFrameDecoder newDecoder(int maxFrame) {
    return new RawDecoder(maxFrame);
  }

  @Override
  public String toString() {
    return "raw";
  }

  private static final class RawDecoder implements SmpFrameDecoder {
    private final byte[] buf;
    private int len;
    private long dropped;

    RawDecoder(int maxFrame) {
      if (maxFrame < SmpHeader.SIZE) {
        throw new IllegalArgumentException("frame limit below a header");
      }
      buf = new byte[maxFrame];
    }

    @Override
    public void feed(byte[] data, int offset, int length, Consumer<byte[]> sink) {
      for (int i = offset; i < offset + length; i++) {
        buf[len++] = data[i];
        drain(sink);
      }
    }

    private void drain(Consumer<byte[]> sink) {
      while (len >= SmpHeader.SIZE) {
        int total;
        try {
          total = SmpHeader.SIZE + SmpHeader.readFrom(buf, 0, len).length();
        } catch (SmpFormatException notAHeader) {
          total = -1;
        }
        if (total < 0 || total > buf.length) {
          // Not the start of a message that fits: slide one byte and look again.
          dropped++;
          System.arraycopy(buf, 1, buf, 0, --len);
          continue;
        }
        if (len < total) {
          return;
        }
        byte[] message = java.util.Arrays.copyOf(buf, total);
        len = 0;
        sink.accept(message);
        return;
      }
    }

    @Override
    public void reset() {
      if (len > 0) {
        dropped++;
      }
      len = 0;
    }

    @Override
    public boolean midFrame() {
      return len > 0;
    }

    @Override
    public long dropped() {
      return dropped;
    }
  }
}
