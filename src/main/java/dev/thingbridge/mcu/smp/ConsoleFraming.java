package dev.thingbridge.mcu.smp;

import java.util.Base64;
import java.util.function.Consumer;

/**
 * SMP over a serial console: {@code len(2, BE) || message || CRC16/XMODEM(2, BE)}, base64 (standard alphabet,
 * padding only at the end), cut into lines that start with {@code 06 09} (first) or {@code 04 14}
 * (continuation) and end with {@code 0A}. Lines are cut at multiples of 4 characters, so each decodes alone.
 *
 * <p>The default line length, 127 bytes including markers and newline (124 base64 characters), is what every
 * client sends and what Zephyr's and MCUboot's 128-byte line buffers take; longer lines are silently dropped by
 * those devices.
 */
public final class ConsoleFraming implements SmpFraming {
  /** Line length every standard client uses, markers and newline included. */
  public static final int DEFAULT_LINE_LENGTH = 127;
  static final byte[] FIRST = {0x06, 0x09};
  static final byte[] CONTINUATION = {0x04, 0x14};

  private final int lineLength;
  private final int charsPerLine;

  /** Framing with 127-byte lines. */
  public ConsoleFraming() {
    this(DEFAULT_LINE_LENGTH);
  }

  /**
   * Framing with lines of at most {@code lineLength} bytes, markers and newline included.
   *
   * @throws IllegalArgumentException below 7 (room for one 4-character group)
   */
  public ConsoleFraming(int lineLength) {
    if (lineLength < 7) {
      throw new IllegalArgumentException("a console line needs at least 7 bytes, got " + lineLength);
    }
    this.lineLength = lineLength;
    this.charsPerLine = (lineLength - 3) / 4 * 4;
  }

  /** The line length, markers and newline included. */
  public int lineLength() {
    return lineLength;
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public byte[] encode(byte[] message) {
    int framed = message.length + 2;
    if (framed > 0xFFFF) {
      throw new IllegalArgumentException("message of " + message.length + " bytes is too long for a console frame");
    }
    byte[] packet = new byte[message.length + 4];
    packet[0] = (byte) (framed >>> 8);
    packet[1] = (byte) framed;
    System.arraycopy(message, 0, packet, 2, message.length);
    int crc = Crc16Xmodem.compute(message, 0, message.length);
    packet[packet.length - 2] = (byte) (crc >>> 8);
    packet[packet.length - 1] = (byte) crc;
    byte[] b64 = Base64.getEncoder().encode(packet);
    int lines = (b64.length + charsPerLine - 1) / charsPerLine;
    byte[] out = new byte[b64.length + 3 * lines];
    int o = 0;
    for (int i = 0; i < b64.length; i += charsPerLine) {
      byte[] marker = i == 0 ? FIRST : CONTINUATION;
      out[o++] = marker[0];
      out[o++] = marker[1];
      int n = Math.min(charsPerLine, b64.length - i);
      System.arraycopy(b64, i, out, o, n);
      o += n;
      out[o++] = '\n';
    }
    return out;
  }

  @Override
  public int wireSize(int messageSize) {
    int chars = (messageSize + 4 + 2) / 3 * 4;
    int lines = (chars + charsPerLine - 1) / charsPerLine;
    return chars + 3 * lines;
  }

  @Override
  public int maxMessageSize(int bufSize) {
    return bufSize - 4;
  }

  /**
   * A decoder that accepts lines of up to {@code maxLineLength} bytes (newline included) and frames of up to
   * {@code maxFrame} decoded bytes.
   */
  public SmpFrameDecoder newDecoder(int maxFrame, int maxLineLength) {
    return new ConsoleDecoder(maxFrame, maxLineLength);
  }

  /** A decoder with a lenient 8 KiB line limit, for the gateway side. */
  @Override
  public SmpFrameDecoder newDecoder(int maxFrame) {
    return new ConsoleDecoder(maxFrame, 8192);
  }

  @Override
  public String toString() {
    return "console(" + lineLength + ")";
  }

  /** Line assembly, marker search, per-line base64 and CRC check. */
  private static final class ConsoleDecoder implements SmpFrameDecoder {
    private final int maxFrame;
    private final byte[] line;
    private int lineLen;
    private boolean lineOverflow;
    private final byte[] frame;
    private int frameLen = -1; // -1: no frame in progress
    private long dropped;

    ConsoleDecoder(int maxFrame, int maxLineLength) {
      if (maxFrame < 12 || maxLineLength < 7) {
        throw new IllegalArgumentException("frame limit below 12 or line limit below 7");
      }
      this.maxFrame = maxFrame;
      this.line = new byte[maxLineLength];
      this.frame = new byte[maxFrame];
    }

    @Override
    public void feed(byte[] data, int offset, int length, Consumer<byte[]> sink) {
      for (int i = offset; i < offset + length; i++) {
        byte b = data[i];
        if (b == '\n') {
          if (lineOverflow) {
            overlongLine();
          } else {
            onLine(sink);
          }
          lineLen = 0;
          lineOverflow = false;
        } else if (lineLen + 1 >= line.length) {
          // The newline itself must fit the device's line buffer too.
          lineOverflow = true;
        } else if (!lineOverflow) {
          line[lineLen++] = b;
        }
      }
    }

    private void overlongLine() {
      // An SMP line the receiver cannot hold is lost; a frame it belonged to can no longer complete.
      if (frameLen >= 0 || startsSmp()) {
        dropFrame();
      }
    }

    private boolean startsSmp() {
      return lineLen >= 2 && ((line[0] == 0x06 && line[1] == 0x09) || (line[0] == 0x04 && line[1] == 0x14));
    }

    private void onLine(Consumer<byte[]> sink) {
      int end = lineLen;
      while (end > 0 && line[end - 1] == '\r') {
        end--;
      }
      int marker = -1;
      boolean first = false;
      for (int i = 0; i + 1 < end; i++) {
        if (line[i] == 0x06 && line[i + 1] == 0x09) {
          marker = i;
          first = true;
          break;
        }
        if (line[i] == 0x04 && line[i + 1] == 0x14) {
          marker = i;
          break;
        }
      }
      if (marker < 0) {
        return; // log output or a shell prompt between frames
      }
      if (first) {
        if (frameLen >= 0) {
          dropped++; // a new start abandons the unfinished frame: built-in resync
        }
        frameLen = 0;
      } else if (frameLen < 0) {
        return; // a continuation without a start: its frame is already lost
      }
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(java.util.Arrays.copyOfRange(line, marker + 2, end));
      } catch (IllegalArgumentException badBase64) {
        dropFrame();
        return;
      }
      if (frameLen + decoded.length > maxFrame) {
        dropFrame();
        return;
      }
      System.arraycopy(decoded, 0, frame, frameLen, decoded.length);
      frameLen += decoded.length;
      tryComplete(sink);
    }

    private void tryComplete(Consumer<byte[]> sink) {
      if (frameLen < 2) {
        return;
      }
      int declared = ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF);
      if (declared < SmpHeader.SIZE + 2 || declared + 2 > maxFrame) {
        dropFrame();
        return;
      }
      if (frameLen < declared + 2) {
        return;
      }
      if (frameLen > declared + 2 || Crc16Xmodem.compute(frame, 2, declared) != 0) {
        dropFrame();
        return;
      }
      byte[] message = java.util.Arrays.copyOfRange(frame, 2, declared);
      frameLen = -1;
      sink.accept(message);
    }

    private void dropFrame() {
      dropped++;
      frameLen = -1;
    }

    @Override
    public void reset() {
      frameLen = -1;
      lineLen = 0;
      lineOverflow = false;
    }

    @Override
    public boolean midFrame() {
      return frameLen >= 0;
    }

    @Override
    public long dropped() {
      return dropped;
    }
  }
}
