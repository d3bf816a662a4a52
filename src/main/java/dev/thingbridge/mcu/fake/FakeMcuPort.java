package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mcu.serial.JSerialCommOpener;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.serial.SerialSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a {@link FakeMcu} is plugged in: its end of a serial line, which can disappear and come back as a USB-CDC
 * device does when the MCU resets. {@link #inMemory} for unit tests; {@link #pty} for a real device node (socat
 * PTY pair) that jSerialComm, mcumgr or smpclient can open.
 */
public interface FakeMcuPort extends AutoCloseable {
  /** The name the gateway opens. */
  String gatewayName();

  /** The fake's end of the line, opened (again, after {@link #reappear()}) for reading and writing. */
  SerialLink open() throws IOException;

  /** The device disappears from the gateway's view. */
  void disappear() throws IOException;

  /** The device is back (under the same name). */
  void reappear() throws IOException;

  /** Calls {@code reset} when the gateway pulses RTS (ports with modem lines only). */
  default void onRtsPulse(Runnable reset) {}

  @Override
  void close() throws IOException;

  /** A port in {@code ports} named {@code name}. */
  static FakeMcuPort inMemory(InMemorySerialPorts ports, String name) {
    InMemorySerialPorts.DeviceEnd end = ports.attach(name);
    return new FakeMcuPort() {
      @Override
      public String gatewayName() {
        return name;
      }

      @Override
      public SerialLink open() {
        return end;
      }

      @Override
      public void disappear() {
        end.unplug();
      }

      @Override
      public void reappear() {
        end.plug();
      }

      @Override
      public void onRtsPulse(Runnable reset) {
        boolean[] rtsWas = {false};
        end.onLines((dtr, rts) -> {
          if (rtsWas[0] && !rts) {
            reset.run();
          }
          rtsWas[0] = rts;
        });
      }

      @Override
      public void close() {
        end.close();
      }
    };
  }

  /**
   * A PTY pair: the gateway opens {@code gatewayPath} (a symlink that stays valid across re-enumerations), the
   * fake opens a hidden twin beside it.
   */
  static FakeMcuPort pty(Path gatewayPath) throws IOException {
    Path devicePath = gatewayPath.resolveSibling("." + gatewayPath.getFileName() + ".mcu");
    PtyPair pair = PtyPair.start(gatewayPath, devicePath);
    JSerialCommOpener opener = new JSerialCommOpener();
    return new FakeMcuPort() {
      @Override
      public String gatewayName() {
        return pair.gatewayPath().toString();
      }

      @Override
      public SerialLink open() throws IOException {
        return opener.open(pair.devicePath().toString(), SerialSettings.of(115200));
      }

      @Override
      public void disappear() throws IOException {
        pair.stop();
      }

      @Override
      public void reappear() throws IOException {
        pair.restart();
      }

      @Override
      public void close() throws IOException {
        pair.close();
      }
    };
  }
}
