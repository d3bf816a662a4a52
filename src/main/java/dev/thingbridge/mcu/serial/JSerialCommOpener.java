package dev.thingbridge.mcu.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens real serial ports (and PTYs) with jSerialComm. The port is opened exclusively (a second open of the same
 * device fails), without flow control, with non-blocking reads: a link reads only the bytes the driver reports as
 * arrived, so its read deadlines hold whatever the port's termios become (see {@link JSerialCommLink#read}).
 *
 * <p>jSerialComm extracts its native library at first use into the home or temp directory; on a gateway with a
 * read-only or {@code noexec} temp, pass {@code -DjSerialComm.library.path=...} or {@code -Djava.io.tmpdir=...}.
 */
public final class JSerialCommOpener implements SerialLinkOpener {
  @Override
  public SerialLink open(String name, SerialSettings settings) throws IOException {
    if (name.startsWith("/") && !Files.exists(Path.of(name))) {
      throw new PortUnavailableException(name + ": no such port");
    }
    SerialPort port;
    try {
      port = SerialPort.getCommPort(name);
    } catch (SerialPortInvalidPortException e) {
      throw new PortUnavailableException(name + ": not a serial port (" + e.getMessage() + ")");
    }
    port.setComPortParameters(settings.baud(), settings.dataBits(),
        settings.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT, parity(settings.parity()));
    port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    port.setComPortTimeouts(SerialPort.TIMEOUT_NONBLOCKING, 0, 0);
    if (!port.openPort((int) Math.min(Integer.MAX_VALUE, settings.openSettle().toMillis()))) {
      throw new PortUnavailableException(name + ": cannot be opened (in use by another process, or no permission;"
          + " error " + port.getLastErrorCode() + ")");
    }
    return new JSerialCommLink(name, port);
  }

  private static int parity(SerialSettings.Parity p) {
    return switch (p) {
      case NONE -> SerialPort.NO_PARITY;
      case EVEN -> SerialPort.EVEN_PARITY;
      case ODD -> SerialPort.ODD_PARITY;
    };
  }
}
