package dev.thingbridge.mcu;

import static org.awaitility.Awaitility.await;

import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.fake.FakeMcuOptions;
import dev.thingbridge.mcu.fake.FakeMcuPort;
import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.serial.SerialSettings;
import java.io.IOException;
import java.time.Duration;

/** A fake MCU on an in-memory port and an SMP client on the gateway end, for tests. */
public final class FakeMcuRig implements AutoCloseable {
  public static final Duration T = Duration.ofMillis(500);

  public final InMemorySerialPorts ports = new InMemorySerialPorts();
  public final FakeMcu mcu;
  public final SerialLink link;
  public final SmpClient client;
  public final McuMgr mgr;

  public FakeMcuRig(FakeMcuOptions options) throws IOException {
    this(options, "mcu0");
  }

  public FakeMcuRig(FakeMcuOptions options, String name) throws IOException {
    mcu = FakeMcu.start(FakeMcuPort.inMemory(ports, name), options);
    link = ports.open(name, SerialSettings.of(115200));
    client = new SmpClient(link, options.framing());
    mgr = new McuMgr(client);
  }

  /** Reopens the gateway end (after a re-enumeration), retrying for up to {@code within}. */
  public SerialLink reopen(Duration within) throws Exception {
    return await().atMost(within).pollInterval(Duration.ofMillis(5)).ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> {
          SerialLink l = ports.open(link.name(), SerialSettings.of(115200));
          client.attach(l);
          return l;
        }, java.util.Objects::nonNull);
  }

  @Override
  public void close() throws IOException {
    client.link().close();
    mcu.close();
  }
}
