package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.transfer.OtaPlatformProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ota run --platform mcu:PORT,...}: the provider is found by its kind and its options are checked. */
class McuOtaPlatformProviderTest {
  @TempDir Path dir;

  @Test
  void the_mcu_kind_is_registered_as_a_service() {
    assertThat(OtaPlatformProvider.find("mcu")).get().isInstanceOf(McuOtaPlatformProvider.class);
  }

  @Test
  void port_and_options_make_the_device_config() {
    McuConfig c = McuOtaPlatformProvider.config("/dev/serial/by-id/usb-sensor-if00,framing=raw,baud=1000000,mtu=1024,"
        + "id=sensor-7");
    assertThat(c.port()).isEqualTo("/dev/serial/by-id/usb-sensor-if00");
    assertThat(c.framing()).isEqualTo(Framing.RAW);
    assertThat(c.serial().baud()).isEqualTo(1_000_000);
    assertThat(c.bufSizeOverride()).isEqualTo(1024);
    assertThat(c.id()).isEqualTo("sensor-7");
    assertThat(McuOtaPlatformProvider.config("/dev/ttyACM0").framing()).isEqualTo(Framing.CONSOLE);
  }

  @Test
  void malformed_names_are_refused_with_the_reason() {
    assertThatThrownBy(() -> McuOtaPlatformProvider.config(",baud=9600")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a serial port");
    assertThatThrownBy(() -> McuOtaPlatformProvider.config("/dev/ttyACM0,speed=9600"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mcu platform option 'speed'");
    assertThatThrownBy(() -> McuOtaPlatformProvider.config("/dev/ttyACM0,baud=fast"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a number");
    assertThatThrownBy(() -> McuOtaPlatformProvider.config("/dev/ttyACM0,mtu=10"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64..65535");
    assertThatThrownBy(() -> McuOtaPlatformProvider.config("/dev/ttyACM0,framing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
  }

  @Test
  void a_port_that_does_not_exist_is_a_port_error() {
    assertThatThrownBy(() -> new McuOtaPlatformProvider().create(dir.resolve("ttyNone").toString(), dir))
        .isInstanceOf(McuPortException.class);
  }
}
