package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.fake.LinkFaults;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several MCUs on separate ports flash at the same time, each on its own device thread: both uploads are under way
 * at once (their progress events interleave), and each device ends with its own image confirmed.
 */
class ParallelFlashTest {
  @Test
  void two_mcus_on_separate_ports_flash_in_parallel() throws Exception {
    InMemorySerialPorts ports = new InMemorySerialPorts();
    List<AutoCloseable> open = new ArrayList<>();
    List<String> uploading = new CopyOnWriteArrayList<>();
    try {
      List<FakeMcu> fakes = new ArrayList<>();
      List<CompletableFuture<FlashResult>> flashes = new ArrayList<>();
      for (String name : List.of("left", "right")) {
        // Paced at 115200 baud, so that each upload takes about two seconds.
        FakeMcu mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, name), McuDeviceFlashTest.fake().name(name)
            .faults(LinkFaults.NONE.withBaud(115_200)).build());
        open.add(mcu);
        fakes.add(mcu);
        McuDevice device = McuDevice.open(McuDeviceFlashTest.fast(name).id(name).opener(ports).build());
        open.add(0, device);
        byte[] image = McubootImageBuilder.create().version(name.equals("left") ? "2.0.0" : "3.0.0")
            .randomBody(14_000, name.length()).build();
        flashes.add(device.flash(image, McuDeviceFlashTest.opts().build(), p -> {
          if (p.step() == FlashStep.UPLOADING) {
            uploading.add(p.device());
          }
        }));
      }
      for (CompletableFuture<FlashResult> f : flashes) {
        assertThat(f.get(60, TimeUnit.SECONDS).outcome()).isEqualTo(FlashResult.Outcome.UPDATED);
      }
      assertThat(fakes.get(0).state().runningVersion()).contains("2.0.0");
      assertThat(fakes.get(1).state().runningVersion()).contains("3.0.0");
      assertThat(fakes).allSatisfy(m -> assertThat(m.state().runningConfirmed()).isTrue());
      int lastLeft = uploading.lastIndexOf("left");
      int firstRight = uploading.indexOf("right");
      int lastRight = uploading.lastIndexOf("right");
      int firstLeft = uploading.indexOf("left");
      assertThat(firstRight).as("right uploads before left is done: %s", uploading).isLessThan(lastLeft);
      assertThat(firstLeft).as("left uploads before right is done").isLessThan(lastRight);
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }
}
