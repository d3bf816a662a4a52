package dev.thingbridge.twin.ota;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import java.util.List;

/** CreateOTAUpdate, GetOTAUpdate, ListOTAUpdates and DeleteOTAUpdate with the paths and shapes of the AWS IoT API. */
final class OtaRoutes {
  private static final String UPDATE = "/otaUpdates/(?<otaUpdateId>[^/]+)";

  private final OtaService ota;

  private OtaRoutes(OtaService ota) {
    this.ota = ota;
  }

  public static List<Route> of(OtaService ota) {
    OtaRoutes r = new OtaRoutes(ota);
    return List.of(
        Route.of("CreateOTAUpdate", "POST", UPDATE, r::create),
        Route.of("GetOTAUpdate", "GET", UPDATE, req -> ApiJson.ok(r.info(ota.get(req.pathParam("otaUpdateId"))))),
        Route.of("ListOTAUpdates", "GET", "/otaUpdates", r::list),
        Route.of("DeleteOTAUpdate", "DELETE", UPDATE, req -> {
          ota.delete(req.pathParam("otaUpdateId"), ApiJson.boolParam(req, "deleteStream"),
              ApiJson.boolParam(req, "forceDeleteAWSJob"));
          return ApiJson.ok(ApiJson.MAPPER.createObjectNode());
        }));
  }

  private ApiResponse create(ApiRequest req) {
    OtaUpdate u = ota.create(req.pathParam("otaUpdateId"), ApiJson.body(req));
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.put("otaUpdateId", u.otaUpdateId());
    out.put("awsIotJobId", u.jobId());
    out.put("otaUpdateArn", u.otaUpdateArn());
    out.put("awsIotJobArn", u.jobArn());
    out.put("otaUpdateStatus", u.status());
    return ApiJson.ok(out);
  }

  private ApiResponse list(ApiRequest req) {
    String status = req.queryParam("otaUpdateStatus").orElse(null);
    List<OtaUpdate> all = ota.catalog().list().stream().filter(u -> status == null || u.status().equals(status))
        .toList();
    Paging.Page<OtaUpdate> page = Paging.page(all, Paging.intParam("maxResults", req.queryParam("maxResults").orElse(null)),
        req.queryParam("nextToken").orElse(null), "ota|" + status, 50);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("otaUpdates");
    for (OtaUpdate u : page.items()) {
      ObjectNode s = a.addObject();
      s.put("otaUpdateId", u.otaUpdateId());
      s.put("otaUpdateArn", u.otaUpdateArn());
      s.put("creationDate", ApiJson.epochSeconds(u.createdAt()));
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  private ObjectNode info(OtaUpdate u) {
    ObjectNode i = ApiJson.MAPPER.createObjectNode();
    i.put("otaUpdateId", u.otaUpdateId());
    i.put("otaUpdateArn", u.otaUpdateArn());
    i.put("creationDate", ApiJson.epochSeconds(u.createdAt()));
    i.put("lastModifiedDate", ApiJson.epochSeconds(u.lastModifiedAt()));
    if (u.description() != null) {
      i.put("description", u.description());
    }
    ArrayNode t = i.putArray("targets");
    u.targets().forEach(t::add);
    ArrayNode p = i.putArray("protocols");
    u.protocols().forEach(p::add);
    i.putObject("awsJobPresignedUrlConfig").put("expiresInSec", u.presignedUrlExpirySeconds());
    i.put("targetSelection", u.targetSelection());
    if (u.files() != null) {
      i.set("otaUpdateFiles", u.files());
    }
    i.put("otaUpdateStatus", u.status());
    i.put("awsIotJobId", u.jobId());
    i.put("awsIotJobArn", u.jobArn());
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.set("otaUpdateInfo", i);
    return out;
  }
}
