package dev.thingbridge.mcu.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySerialPortsTest {
  private static final Duration SHORT = Duration.ofMillis(20);
  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final SerialSettings settings = SerialSettings.of(115200);

  @Test
  void bytes_cross_both_ways_and_a_read_times_out_with_zero() throws Exception {
    InMemorySerialPorts.DeviceEnd device = ports.attach("mcu0");
    try (SerialLink gw = ports.open("mcu0", settings)) {
      gw.write(new byte[] {1, 2, 3});
      byte[] buf = new byte[8];
      assertThat(device.read(buf, 0, 8, SHORT)).isEqualTo(3);
      device.write(new byte[] {9});
      assertThat(gw.read(buf, 0, 8, SHORT)).isEqualTo(1);
      assertThat(buf[0]).isEqualTo((byte) 9);
      assertThat(gw.read(buf, 0, 8, SHORT)).isZero();
    }
  }

  @Test
  void a_port_is_exclusive_and_reopens_after_close() throws Exception {
    ports.attach("mcu0");
    SerialLink first = ports.open("mcu0", settings);
    assertThatThrownBy(() -> ports.open("mcu0", settings)).isInstanceOf(PortUnavailableException.class)
        .hasMessageContaining("in use");
    first.close();
    ports.open("mcu0", settings).close();
    assertThatThrownBy(() -> first.write(new byte[1])).isInstanceOf(SerialLinkClosedException.class);
    assertThatThrownBy(() -> ports.open("nope", settings)).isInstanceOf(PortUnavailableException.class)
        .hasMessageContaining("no such port");
  }

  @Test
  void unplugging_fails_a_blocked_reader_and_opens_until_plugged_again() throws Exception {
    InMemorySerialPorts.DeviceEnd device = ports.attach("mcu0");
    SerialLink gw = ports.open("mcu0", settings);
    List<Throwable> failures = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try {
        gw.read(new byte[4], 0, 4, Duration.ofSeconds(10));
      } catch (Exception e) {
        failures.add(e);
      }
    });
    reader.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.TIMED_WAITING
        || reader.getState() == Thread.State.WAITING); // blocked in the read
    device.unplug();
    reader.join(2000);
    assertThat(failures).singleElement().isInstanceOf(SerialLinkClosedException.class);
    assertThatThrownBy(() -> ports.open("mcu0", settings)).isInstanceOf(PortUnavailableException.class);
    device.plug();
    try (SerialLink again = ports.open("mcu0", settings)) {
      device.write(new byte[] {5});
      assertThat(again.read(new byte[4], 0, 4, SHORT)).isOne();
    }
  }

  @Test
  void device_output_while_no_gateway_is_open_is_lost_and_lines_reach_the_listener() throws Exception {
    InMemorySerialPorts.DeviceEnd device = ports.attach("mcu0");
    device.write(new byte[] {1, 2});
    List<String> lines = new ArrayList<>();
    device.onLines((dtr, rts) -> lines.add(dtr + "/" + rts));
    try (SerialLink gw = ports.open("mcu0", settings)) {
      assertThat(gw.read(new byte[4], 0, 4, SHORT)).isZero();
      LineControl lc = gw.lineControl().orElseThrow();
      lc.rts(true);
      lc.dtr(true);
      lc.rts(false);
    }
    assertThat(lines).containsExactly("false/true", "true/true", "true/false");
  }
}
