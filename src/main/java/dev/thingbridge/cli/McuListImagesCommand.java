package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.mcu.smp.ImageSlot;
import dev.thingbridge.mcu.smp.ImageState;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mcu list-images}: the image state read. */
@Command(name = "list-images", description = "Print the images in the MCU's slots as a JSON array: slot, version,"
    + " hash (hex) and the flags active, confirmed, pending, permanent, bootable.")
final class McuListImagesCommand implements Callable<Integer> {
  @Mixin McuPortOptions port;
  @Mixin OutputOptions output;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Give up (exit code 4) after this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    ImageState state = McuCommand.withDevice(port, d -> McuCommand.await(d.imageState(), timeout));
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (ImageSlot s : state.slots()) {
      list.add(McuCommand.render(s));
    }
    output.reply(list);
    return ExitCodes.OK;
  }
}
