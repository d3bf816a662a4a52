package dev.thingbridge.testing.nucleus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.shadows.NamedShadowPage;
import dev.thingbridge.twin.shadows.ShadowEngine;
import dev.thingbridge.twin.shadows.ShadowOutcome;
import dev.thingbridge.twin.shadows.ShadowServiceTopics;
import dev.thingbridge.twin.shadows.ShadowSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCServiceModel;
import software.amazon.awssdk.aws.greengrass.model.ConflictError;
import software.amazon.awssdk.aws.greengrass.model.DeleteThingShadowRequest;
import software.amazon.awssdk.aws.greengrass.model.DeleteThingShadowResponse;
import software.amazon.awssdk.aws.greengrass.model.GetThingShadowRequest;
import software.amazon.awssdk.aws.greengrass.model.GetThingShadowResponse;
import software.amazon.awssdk.aws.greengrass.model.InvalidArgumentsError;
import software.amazon.awssdk.aws.greengrass.model.ListNamedShadowsForThingRequest;
import software.amazon.awssdk.aws.greengrass.model.ListNamedShadowsForThingResponse;
import software.amazon.awssdk.aws.greengrass.model.ResourceNotFoundError;
import software.amazon.awssdk.aws.greengrass.model.ServiceError;
import software.amazon.awssdk.aws.greengrass.model.UnauthorizedError;
import software.amazon.awssdk.aws.greengrass.model.UpdateThingShadowRequest;
import software.amazon.awssdk.aws.greengrass.model.UpdateThingShadowResponse;

/**
 * {@code aws.greengrass.ShadowManager} for the fake nucleus: local shadows served over the IPC shadow operations
 * (authorized by the caller's {@code aws.greengrass.ShadowManager} policies), with the Device Shadow service's own
 * semantics (the twin's shadow engine: versions, deltas, metadata, client tokens, 404/409/400), and the local
 * pub/sub publications ShadowManager makes ({@code .../accepted}, {@code /update/delta}, {@code
 * /update/documents}). Cloud sync is not emulated: {@link #document} shows what the local store holds.
 */
public final class FakeShadowManager {
  /** The IPC service identifier its operations are authorized under. */
  public static final String SERVICE = "aws.greengrass.ShadowManager";
  private static final GreengrassCoreIPCServiceModel MODEL = GreengrassCoreIPCServiceModel.getInstance();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SENDER = "aws.greengrass.ShadowManager";

  private final FakeNucleus nucleus;
  private final ShadowEngine engine = new ShadowEngine(ShadowSettings.DEFAULTS, () -> TwinLimits.RELAXED);
  private final List<String> calls = new CopyOnWriteArrayList<>();

  FakeShadowManager(FakeNucleus nucleus) {
    this.nucleus = nucleus;
  }

  /** The IPC calls served so far, as {@code Operation thing/shadow}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** The local document of a shadow (as a GET answers it), or null when there is none. */
  public ObjectNode document(String thing, String shadow) {
    ShadowOutcome o = engine.handle(new ShadowServiceTopics.Request(thing, shadow, ShadowServiceTopics.Operation.GET), new byte[0],
        System.currentTimeMillis() / 1000);
    return o instanceof ShadowOutcome.Accepted a ? a.reply() : null;
  }

  /** Changes a local shadow as the cloud sync (or another component) would, with its publications. */
  public void update(String thing, String shadow, String json) {
    apply(new ShadowServiceTopics.Request(thing, shadow, ShadowServiceTopics.Operation.UPDATE), json.getBytes(StandardCharsets.UTF_8));
  }

  interface Authorizer {
    boolean authorized(NucleusStream stream, String service, String resource);
  }

  void handle(String op, NucleusStream stream, Authorizer auth) {
    switch (op) {
      case "GetThingShadow" -> {
        GetThingShadowRequest r = MODEL.fromJson(GetThingShadowRequest.class, stream.request());
        serve(stream, auth, op, r.getThingName(), r.getShadowName(), ShadowServiceTopics.Operation.GET, new byte[0]);
      }
      case "UpdateThingShadow" -> {
        UpdateThingShadowRequest r = MODEL.fromJson(UpdateThingShadowRequest.class, stream.request());
        serve(stream, auth, op, r.getThingName(), r.getShadowName(), ShadowServiceTopics.Operation.UPDATE,
            r.getPayload() == null ? new byte[0] : r.getPayload());
      }
      case "DeleteThingShadow" -> {
        DeleteThingShadowRequest r = MODEL.fromJson(DeleteThingShadowRequest.class, stream.request());
        serve(stream, auth, op, r.getThingName(), r.getShadowName(), ShadowServiceTopics.Operation.DELETE, new byte[0]);
      }
      default -> {
        ListNamedShadowsForThingRequest r = MODEL.fromJson(ListNamedShadowsForThingRequest.class, stream.request());
        if (r.getThingName() == null || !auth.authorized(stream, SERVICE, r.getThingName())) {
          if (r.getThingName() == null) {
            stream.fail(new InvalidArgumentsError("thingName is required"));
          }
          return;
        }
        calls.add(op + " " + r.getThingName());
        NamedShadowPage page = engine.listNamed(r.getThingName(), r.getNextToken(), r.getPageSize(),
            System.currentTimeMillis() / 1000);
        ListNamedShadowsForThingResponse response = new ListNamedShadowsForThingResponse();
        response.setResults(new ArrayList<>(page.results()));
        page.next().ifPresent(response::setNextToken);
        response.setTimestamp(java.time.Instant.now());
        stream.respond(response, true);
      }
    }
  }

  private void serve(NucleusStream stream, Authorizer auth, String op, String thing, String shadow,
      ShadowServiceTopics.Operation operation, byte[] payload) {
    String name = shadow == null ? "" : shadow;
    if (thing == null || !AwsNames.isThingName(thing) || (!name.isEmpty() && !AwsNames.isShadowName(name))) {
      stream.fail(new InvalidArgumentsError("invalid thing or shadow name"));
      return;
    }
    String resource = "$aws/things/" + thing + "/shadow" + (name.isEmpty() ? "" : "/name/" + name);
    if (!auth.authorized(stream, SERVICE, resource)) {
      return;
    }
    calls.add(op + " " + thing + "/" + name);
    ShadowOutcome outcome = apply(new ShadowServiceTopics.Request(thing, name, operation), payload);
    if (outcome instanceof ShadowOutcome.Accepted a) {
      byte[] body = bytes(a.reply());
      switch (operation) {
        case GET -> {
          GetThingShadowResponse response = new GetThingShadowResponse();
          response.setPayload(body);
          stream.respond(response, true);
        }
        case UPDATE -> {
          UpdateThingShadowResponse response = new UpdateThingShadowResponse();
          response.setPayload(body);
          stream.respond(response, true);
        }
        default -> {
          DeleteThingShadowResponse response = new DeleteThingShadowResponse();
          response.setPayload(body);
          stream.respond(response, true);
        }
      }
    } else {
      ShadowOutcome.Rejected r = (ShadowOutcome.Rejected) outcome;
      stream.fail(switch (r.code()) {
        case 404 -> new ResourceNotFoundError("No shadow found");
        case 409 -> new ConflictError("Version conflict");
        case 400, 413 -> new InvalidArgumentsError(r.message());
        case 401, 403 -> new UnauthorizedError(r.message());
        case 429 -> new ServiceError("Too Many Requests");
        default -> new ServiceError(r.message());
      });
    }
  }

  /** Runs a request against the local store and publishes what ShadowManager publishes locally. */
  private synchronized ShadowOutcome apply(ShadowServiceTopics.Request request, byte[] payload) {
    ShadowOutcome outcome = engine.handle(request, payload, System.currentTimeMillis() / 1000);
    if (outcome instanceof ShadowOutcome.Accepted a) {
      if (request.operation() != ShadowServiceTopics.Operation.GET) {
        nucleus.routeLocal(ShadowServiceTopics.accepted(request.thingName(), request.shadowName(), request.operation()),
            bytes(a.reply()), null, SENDER);
      }
      for (ShadowOutcome.Publication p : a.notifications()) {
        nucleus.routeLocal(p.topic(), bytes(p.document()), null, SENDER);
      }
    }
    return outcome;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
