package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CreateStream, UpdateStream, DescribeStream, ListStreams and DeleteStream with the paths, fields and errors of the
 * AWS IoT API.
 */
final class StreamsRoutes {
  private static final String STREAM = "/streams/(?<streamId>[^/]+)";

  private final StreamsService streams;

  private StreamsRoutes(StreamsService streams) {
    this.streams = streams;
  }

  static List<Route> of(StreamsService streams) {
    StreamsRoutes r = new StreamsRoutes(streams);
    return List.of(
        Route.of("CreateStream", "POST", STREAM, r::create),
        Route.of("UpdateStream", "PUT", STREAM, r::update),
        Route.of("DescribeStream", "GET", STREAM, req -> ApiJson.ok(r.info(streams.describeStream(req.pathParam("streamId"))))),
        Route.of("ListStreams", "GET", "/streams", r::list),
        Route.of("DeleteStream", "DELETE", STREAM, req -> {
          streams.deleteStream(req.pathParam("streamId"));
          return ApiJson.ok(ApiJson.MAPPER.createObjectNode());
        }));
  }

  private ApiResponse create(ApiRequest req) {
    ObjectNode body = ApiJson.body(req);
    StreamDefinition d = streams.createStream(req.pathParam("streamId"), ApiJson.text(body, "description"),
        files(body.get("files"), true));
    return ApiJson.ok(summary(d));
  }

  private ApiResponse update(ApiRequest req) {
    ObjectNode body = ApiJson.body(req);
    StreamDefinition d = streams.updateStream(req.pathParam("streamId"), ApiJson.text(body, "description"),
        files(body.get("files"), false));
    return ApiJson.ok(summary(d));
  }

  private ApiResponse list(ApiRequest req) {
    boolean ascending = req.queryParam("isAscendingOrder").map(Boolean::parseBoolean).orElse(false);
    List<StreamDefinition> all = new ArrayList<>(streams.catalog().list());
    Comparator<StreamDefinition> byCreation = Comparator.comparing(StreamDefinition::createdAt)
        .thenComparing(StreamDefinition::streamId);
    all.sort(ascending ? byCreation : byCreation.reversed());
    Paging.Page<StreamDefinition> page = Paging.page(all,
        Paging.intParam("maxResults", req.queryParam("maxResults").orElse(null)),
        req.queryParam("nextToken").orElse(null), "streams|" + ascending, 25);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("streams");
    page.items().forEach(d -> a.add(summary(d)));
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  /** The files of a request: {@code [{"fileId": n, "s3Location": {"bucket", "key", "version"}}]}. */
  private List<StreamFile> files(JsonNode files, boolean required) {
    List<StreamFile> out = new ArrayList<>();
    if (files == null || files.isNull()) {
      if (required) {
        throw AwsApiException.invalidRequest("files is required");
      }
      return out;
    }
    if (!files.isArray()) {
      throw AwsApiException.invalidRequest("files must be a list");
    }
    for (JsonNode f : files) {
      JsonNode id = f.get("fileId");
      if (id == null || !id.isIntegralNumber() || id.asInt() < 0 || id.asInt() > 255) {
        throw AwsApiException.invalidRequest("fileId must be 0-255");
      }
      S3Location loc = S3Location.fromJson(f.get("s3Location"));
      out.add(new StreamFile(id.asInt(), streams.s3().source(loc), loc));
    }
    return out;
  }

  private ObjectNode summary(StreamDefinition d) {
    ObjectNode o = ApiJson.MAPPER.createObjectNode();
    o.put("streamId", d.streamId());
    o.put("streamArn", streams.arnOf(d.streamId()));
    o.put("streamVersion", d.version());
    if (d.description() != null) {
      o.put("description", d.description());
    }
    return o;
  }

  private ObjectNode info(StreamDefinition d) {
    ObjectNode i = summary(d);
    ArrayNode files = i.putArray("files");
    for (StreamFile f : d.files()) {
      ObjectNode fo = files.addObject();
      fo.put("fileId", f.fileId());
      if (f.location() != null) {
        fo.set("s3Location", f.location().toJson());
      }
    }
    i.put("createdAt", ApiJson.epochSeconds(d.createdAt()));
    i.put("lastUpdatedAt", ApiJson.epochSeconds(d.lastUpdatedAt()));
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.set("streamInfo", i);
    return out;
  }
}
