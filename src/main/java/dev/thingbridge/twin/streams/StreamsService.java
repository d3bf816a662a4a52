package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of AWS IoT MQTT-based file delivery: GetStream and DescribeStream on {@code
 * $aws/things/{thing}/streams/{streamId}/{get|describe}/{cbor|json}}, answered on {@code .../data/...}, {@code
 * .../description/...} and {@code .../rejected/...} in the request's format, with AWS's error codes ({@code
 * ResourceNotFound}, {@code BlockSizeOutOfBounds}, {@code OffsetOutOfBounds}, {@code VersionMismatch}, {@code
 * InvalidCbor}, ...) and limits (blocks of 256-131072 bytes, at most 128 KiB per request; with {@code
 * --aws-limits}, 100 messages and 512 KiB per second per thing, the excess delayed).
 *
 * <p>Streams come from a {@link StreamCatalog}. Blocks are read from their files as they go out, on the
 * service's own thread, not under the twin's lock. {@link #faults(StreamFaults)} makes the service misbehave for
 * tests: lost, duplicated, reordered or damaged blocks, late answers, silence.
 */
public final class StreamsService implements TwinService {
  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final StreamCatalog catalog;
  private final S3Files s3;
  private final dev.thingbridge.twin.things.ThingRegistry registry;
  private final AtomicLong blocksSent = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private TwinContext context;
  private StreamSender sender;

  /** A service over streams kept in memory, reading S3 locations only by absolute key. */
  public StreamsService() {
    this(new InMemoryStreamCatalog(), new S3Files(null), new dev.thingbridge.twin.things.ThingRegistry());
  }

  /**
   * A service over {@code catalog}, reading S3 locations through {@code s3}, naming streams with the region and
   * account of {@code registry}.
   */
  public StreamsService(StreamCatalog catalog, S3Files s3, dev.thingbridge.twin.things.ThingRegistry registry) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public String name() {
    return "streams";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
    this.sender = new StreamSender(m -> ctx.publish(this, m));
    sender.limits(ctx.limits());
  }

  /** The streams it serves. */
  public StreamCatalog catalog() {
    return catalog;
  }

  /** Where S3 locations are read. */
  public S3Files s3() {
    return s3;
  }

  /** {@code arn:aws:iot:<region>:<account>:stream/<id>}. */
  public String arnOf(String streamId) {
    return registry.arn("stream/" + streamId);
  }

  @Override
  public List<dev.thingbridge.twin.http.Route> routes() {
    return dev.thingbridge.twin.streams.StreamsRoutes.of(this);
  }

  // ---- control plane ----

  /**
   * CreateStream: a stream of the files at these S3 locations (version 1).
   *
   * @throws dev.thingbridge.twin.http.AwsApiException InvalidRequestException (bad id, no or too many files,
   *     duplicate file ids), ResourceNotFoundException (a file is missing), ResourceAlreadyExistsException
   */
  public StreamDefinition createStream(String streamId, String description, List<StreamFile> files) {
    StreamDefinition d = define(streamId, 1, description, files, null);
    return exclusive(out -> {
      if (catalog.find(streamId).isPresent()) {
        throw new dev.thingbridge.twin.http.AwsApiException(409, "ResourceAlreadyExistsException",
            "stream " + streamId + " already exists");
      }
      return keep(d, out);
    });
  }

  /** UpdateStream: new files and/or description; the version goes up by one. */
  public StreamDefinition updateStream(String streamId, String description, List<StreamFile> files) {
    return exclusive(out -> {
      StreamDefinition old = describeStream(streamId);
      StreamDefinition d = define(streamId, old.version() + 1, description == null ? old.description() : description,
          files == null || files.isEmpty() ? old.files() : files, old.createdAt());
      return keep(d, out);
    });
  }

  /** DescribeStream; ResourceNotFoundException when there is none. */
  public StreamDefinition describeStream(String streamId) {
    return catalog.find(streamId).orElseThrow(() -> dev.thingbridge.twin.http.AwsApiException.notFound(
        "stream " + streamId + " does not exist"));
  }

  /** DeleteStream; ResourceNotFoundException when there is none. */
  public void deleteStream(String streamId) {
    if (!removeStream(streamId)) {
      throw dev.thingbridge.twin.http.AwsApiException.notFound("stream " + streamId + " does not exist");
    }
  }

  /** Deletes a stream if there is one (a stream CreateOTAUpdate made, say); false if there was none. */
  public boolean removeStream(String streamId) {
    return exclusive(out -> {
      boolean had = catalog.delete(streamId);
      if (had) {
        out.delete(dev.thingbridge.twin.streams.StreamRows.STREAMS, streamId);
      }
      return had;
    });
  }

  /** Adds a stream made by another service (CreateOTAUpdate's own stream). */
  public void putStream(StreamDefinition stream) {
    exclusive(out -> keep(stream, out));
  }

  private StreamDefinition keep(StreamDefinition d, TwinOutbox out) {
    catalog.put(d);
    out.save(dev.thingbridge.twin.streams.StreamRows.STREAMS,
        dev.thingbridge.twin.streams.StreamRows.row(d));
    return d;
  }

  private StreamDefinition define(String streamId, int version, String description, List<StreamFile> files,
      java.time.Instant createdAt) {
    if (!StreamDefinition.isValidId(streamId)) {
      throw dev.thingbridge.twin.http.AwsApiException.invalidRequest(
          "streamId must be 1-128 of [a-zA-Z0-9_-]: " + streamId);
    }
    if (description != null && description.length() > 2028) {
      throw dev.thingbridge.twin.http.AwsApiException.invalidRequest("description is longer than 2028 characters");
    }
    java.time.Instant now = context == null ? java.time.Instant.now() : context.now();
    try {
      return new StreamDefinition(streamId, version, description, files, createdAt == null ? now : createdAt, now);
    } catch (IllegalArgumentException e) {
      throw dev.thingbridge.twin.http.AwsApiException.invalidRequest(e.getMessage());
    }
  }

  private <R> R exclusive(java.util.function.Function<TwinOutbox, R> op) {
    if (context == null) {
      throw new IllegalStateException("the streams service is not part of a twin yet");
    }
    return context.exclusive(this, op);
  }

  /** Makes the service misbehave (or behave again, with {@link StreamFaults#NONE}). */
  public void faults(StreamFaults value) {
    requireSender().faults(Objects.requireNonNull(value));
  }

  /** Blocks sent so far (duplicates count twice). */
  public long blocksSent() {
    return blocksSent.get();
  }

  /** GetStream and DescribeStream requests received so far. */
  public long requests() {
    return requests.get();
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of(SubscriptionFilter.of("$aws/things/+/streams/+/get/+", QoS.AT_MOST_ONCE),
        SubscriptionFilter.of("$aws/things/+/streams/+/describe/+", QoS.AT_MOST_ONCE));
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    Optional<StreamRequestTopic> t = StreamRequestTopic.parse(request.topic());
    if (t.isEmpty() || requireSender().faults().stopAnswering()) {
      return false;
    }
    requests.incrementAndGet();
    StreamRequestTopic topic = t.get();
    sender.request(topic.thingName(), request.payload().length);
    if (request.payload().length > context.limits().maxPayloadBytes()) {
      reject(topic, "InvalidRequest", "The request is too large", null);
      return false;
    }
    JsonNode r;
    try {
      r = StreamWire.decode(request.payload(), topic.format());
    } catch (StreamWire.DecodeException e) {
      reject(topic, topic.format() == StreamWire.Format.CBOR ? "InvalidCbor" : "InvalidJson", e.getMessage(), null);
      return false;
    }
    try {
      StreamDefinition stream = catalog.find(topic.streamId()).orElseThrow(() -> new GetStreamPlan.Rejection(
          "ResourceNotFound", "No stream " + topic.streamId(), tokenOrNull(r)));
      if (topic.operation() == StreamRequestTopic.Operation.DESCRIBE) {
        describe(topic, stream, GetStreamPlan.token(r));
      } else {
        GetStreamPlan plan = GetStreamPlan.of(r, stream);
        sender.send(topic.thingName(), blocks(topic, plan));
      }
    } catch (GetStreamPlan.Rejection e) {
      reject(topic, e.code(), e.getMessage(), e.token());
    }
    return false;
  }

  private static String tokenOrNull(JsonNode r) {
    try {
      return GetStreamPlan.token(r);
    } catch (GetStreamPlan.Rejection e) {
      return null;
    }
  }

  private void describe(StreamRequestTopic topic, StreamDefinition stream, String token) throws GetStreamPlan.Rejection {
    List<long[]> files = new ArrayList<>();
    for (StreamFile f : stream.files()) {
      try {
        files.add(new long[] {f.fileId(), f.source().size()});
      } catch (IOException e) {
        throw new GetStreamPlan.Rejection("InternalError", "A file of the stream cannot be read", token);
      }
    }
    byte[] payload = StreamWire.description(topic.format(), token, stream.version(), stream.description(), files);
    MqttMessage m = StreamSender.message(topic.description(), payload);
    sender.send(topic.thingName(), once(m));
  }

  private void reject(StreamRequestTopic topic, String code, String message, String token) {
    log.debug("twin streams: {} refused: {}", topic.streamId(), code);
    sender.send(topic.thingName(), once(StreamSender.message(topic.rejected(),
        StreamWire.error(topic.format(), code, message, token))));
  }

  private static StreamSender.Answer once(MqttMessage m) {
    MqttMessage[] left = {m};
    return () -> {
      MqttMessage x = left[0];
      left[0] = null;
      return x;
    };
  }

  /** The blocks of a plan, read one at a time as they are sent, in the order the faults choose. */
  private StreamSender.Answer blocks(StreamRequestTopic topic, GetStreamPlan plan) {
    Iterator<Long>[] order = new Iterator[1];
    return () -> {
      if (order[0] == null) {
        order[0] = sender.schedule(plan.blocks()).iterator();
      }
      if (!order[0].hasNext()) {
        return null;
      }
      long id = order[0].next();
      byte[] data = plan.file().source().read(id * plan.blockSize(), plan.blockSize());
      blocksSent.incrementAndGet();
      return StreamSender.message(topic.data(), encode(topic, plan, id, data));
    };
  }

  private byte[] encode(StreamRequestTopic topic, GetStreamPlan plan, long id, byte[] data) {
    int fileId = plan.file().fileId();
    if (sender.corruptNext()) {
      switch (sender.faults().corruption()) {
        case TRUNCATED -> data = java.util.Arrays.copyOf(data, Math.max(0, data.length - 1));
        case WRONG_FILE -> fileId = (fileId + 1) % 256;
        case GARBAGE -> {
          return new byte[] {(byte) 0xFF, 0x00, 0x13};
        }
        case BIT_FLIP -> {
          if (data.length > 0) {
            data = data.clone();
            data[data.length / 2] ^= 0x10;
          }
        }
      }
    }
    return StreamWire.data(topic.format(), plan.token(), fileId, data.length, id, data);
  }

  private StreamSender requireSender() {
    if (sender == null) {
      throw new IllegalStateException("the streams service is not part of a twin yet");
    }
    return sender;
  }

  /** Stops the sender thread. */
  public void close() {
    if (sender != null) {
      sender.close();
    }
  }

  /** Different things' requests may run at once: a request only reads the catalog and queues answers. */
  @Override
  public boolean concurrentByThing() {
    return true;
  }

  @Override
  public dev.thingbridge.twin.store.StoreSchema schema() {
    return dev.thingbridge.twin.streams.StreamRows.SCHEMA;
  }

  @Override
  public void load(dev.thingbridge.twin.store.StoreReader store) {
    catalog.clear();
    store.query("SELECT * FROM streams ORDER BY stream_id",
        row -> catalog.put(dev.thingbridge.twin.streams.StreamRows.read(row)));
  }
}
