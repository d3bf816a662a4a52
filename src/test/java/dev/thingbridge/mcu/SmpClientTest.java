package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mcu.serial.InMemorySerialPorts;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.serial.SerialSettings;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.smp.SmpFrameDecoder;
import dev.thingbridge.mcu.smp.SmpFraming;
import dev.thingbridge.mcu.smp.SmpHeader;
import dev.thingbridge.mcu.smp.SmpMessage;
import dev.thingbridge.mcu.smp.SmpOp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the SMP client matches replies to its request, against a scripted device on an in-memory port: op, group,
 * command and the sequence number of one of the request's attempts must match; anything else is dropped.
 */
class SmpClientTest {
  private static final int OS = 0;
  private static final int ECHO = 0;

  private final InMemorySerialPorts ports = new InMemorySerialPorts();
  private final InMemorySerialPorts.DeviceEnd device = ports.attach("tty0");
  private final SmpFraming framing = new ConsoleFraming();
  private final SmpFrameDecoder deviceDecoder = framing.newDecoder(4096);
  private final ArrayDeque<byte[]> received = new ArrayDeque<>();
  private SerialLink gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
    device.close();
  }

  /** A client on the gateway end of the port. */
  private SmpClient client() throws Exception {
    gateway = ports.open("tty0", SerialSettings.of(115200));
    return new SmpClient(gateway, framing);
  }

  private CompletableFuture<SmpClient.SmpReply> echo(SmpClient client, Duration timeout, int attempts) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return client.call(SmpOp.WRITE, OS, ECHO, Map.of("d", "hello"), timeout, attempts, "echo");
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  /** The next request the device end receives. */
  private SmpMessage nextRequest() throws Exception {
    byte[] buf = new byte[1024];
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (received.isEmpty() && System.nanoTime() - deadline < 0) {
      int n = device.read(buf, 0, buf.length, Duration.ofMillis(50));
      deviceDecoder.feed(buf, 0, n, received::add);
    }
    assertThat(received).as("a request reached the device").isNotEmpty();
    return SmpMessage.parse(received.poll());
  }

  private void reply(int version, SmpOp op, int command, int sequence, String text) throws Exception {
    SmpHeader h = new SmpHeader(version, op, 0, 0, OS, sequence, command);
    device.write(framing.encode(new SmpMessage(h, SmpCbor.encode(Map.of("r", text))).toBytes()));
  }

  @Test
  void replies_under_another_sequence_op_or_command_are_dropped_and_the_matching_one_is_taken() throws Exception {
    SmpClient client = client();
    CompletableFuture<SmpClient.SmpReply> call = echo(client, Duration.ofSeconds(3), 1);
    int seq = nextRequest().header().sequence();
    reply(SmpHeader.V2, SmpOp.WRITE_RESPONSE, ECHO, (seq + 255) & 0xFF, "stale: the request before");
    reply(SmpHeader.V2, SmpOp.READ_RESPONSE, ECHO, seq, "another op");
    reply(SmpHeader.V2, SmpOp.WRITE_RESPONSE, 1, seq, "another command");
    reply(SmpHeader.V2, SmpOp.WRITE_RESPONSE, ECHO, seq, "hello");

    SmpClient.SmpReply r = call.get(5, TimeUnit.SECONDS);
    assertThat(r.body().path("r").asText()).isEqualTo("hello");
    assertThat(r.header().sequence()).isEqualTo(seq);
    assertThat(client.stats().staleReplies()).isEqualTo(3);
  }

  /** A slow device answers the first attempt after the client sent the second: that answer is as good. */
  @Test
  void a_late_reply_to_an_earlier_attempt_is_taken_and_a_v1_header_is_accepted() throws Exception {
    SmpClient client = client();
    CompletableFuture<SmpClient.SmpReply> call = echo(client, Duration.ofSeconds(1), 3);
    int first = nextRequest().header().sequence();
    int second = nextRequest().header().sequence();
    assertThat(second).as("a retransmission has a new sequence number").isEqualTo((first + 1) & 0xFF);
    reply(SmpHeader.V1, SmpOp.WRITE_RESPONSE, ECHO, first, "hello");

    SmpClient.SmpReply r = call.get(5, TimeUnit.SECONDS);
    assertThat(r.header().version()).isEqualTo(SmpHeader.V1);
    assertThat(r.header().sequence()).isEqualTo(first);
    assertThat(client.stats().retransmissions()).isPositive();
    assertThat(client.stats().staleReplies()).isZero();
  }
}
