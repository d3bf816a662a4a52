package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.PtyPair;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code local --fake-mcu N}: N fake MCUs (MCUboot with two slots and a Zephyr application answering mcumgr over
 * SMP) on pseudo-terminals, each configured as an MCU of the component with its own thing, {@code
 * <gateway>-mcu-<i>}, so that an OTA update of that thing flashes it through its serial port.
 */
final class LocalFakeMcus implements AutoCloseable {
  static final String INITIAL_VERSION = "1.0.0";
  private final List<FakeMcu> fakes;
  private final List<ComponentConfig.Mcu> configs;

  private LocalFakeMcus(List<FakeMcu> fakes, List<ComponentConfig.Mcu> configs) {
    this.fakes = fakes;
    this.configs = configs;
  }

  /** Starts {@code count} fakes with their PTY links in {@code dir}. */
  static LocalFakeMcus start(int count, Path dir, String gateway) throws IOException {
    if (count > 0 && !PtyPair.socatAvailable()) {
      throw new UsageException("--fake-mcu needs socat for its pseudo-terminals (Debian/Ubuntu: apt-get install "
          + "socat)");
    }
    List<FakeMcu> fakes = new ArrayList<>();
    List<ComponentConfig.Mcu> configs = new ArrayList<>();
    Files.createDirectories(dir);
    try {
      for (int i = 1; i <= count; i++) {
        String id = "mcu-" + i;
        Path link = dir.resolve("tty-" + id);
        FakeMcuOptions options = FakeMcuOptions.builder().name(id)
            .initialImage(McubootImageBuilder.create().version(INITIAL_VERSION).randomBody(16 * 1024, i).build())
            .build();
        fakes.add(FakeMcu.start(FakeMcuPort.pty(link), options));
        configs.add(new ComponentConfig.Mcu(id, link.toString(), gateway + "-" + id, 115_200));
      }
    } catch (IOException | RuntimeException e) {
      new LocalFakeMcus(fakes, configs).close();
      throw e;
    }
    return new LocalFakeMcus(fakes, configs);
  }

  /** The MCUs as the component's configuration lists them. */
  List<ComponentConfig.Mcu> configs() {
    return configs;
  }

  /** The fake behind an MCU id (mcu-1 is the first). */
  FakeMcu fake(int index) {
    return fakes.get(index);
  }

  @Override
  public void close() {
    for (FakeMcu f : fakes) {
      try {
        f.close();
      } catch (Exception e) {
        // the PTYs go with the process
      }
    }
  }
}
