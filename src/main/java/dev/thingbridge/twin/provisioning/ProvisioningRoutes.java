package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** The provisioning routes of the twin's control plane, with the paths and shapes of the AWS IoT API. */
final class ProvisioningRoutes {
  private static final String TEMPLATE = "/provisioning-templates/(?<templateName>[^/]+)";
  private static final String CERTIFICATE = "/certificates/(?<certificateId>[^/]+)";
  private final ProvisioningService service;

  public ProvisioningRoutes(ProvisioningService service) {
    this.service = service;
  }

  public List<Route> routes() {
    return List.of(
        Route.of("CreateProvisioningTemplate", "POST", "/provisioning-templates", this::createTemplate),
        Route.of("ListProvisioningTemplates", "GET", "/provisioning-templates", this::listTemplates),
        Route.of("DescribeProvisioningTemplate", "GET", TEMPLATE,
            r -> ApiJson.ok(describe(service.describeProvisioningTemplate(r.pathParam("templateName"))))),
        Route.of("DeleteProvisioningTemplate", "DELETE", TEMPLATE, r -> {
          service.deleteProvisioningTemplate(r.pathParam("templateName"));
          return ApiJson.ok(ApiJson.MAPPER.createObjectNode());
        }),
        Route.of("CreateProvisioningClaim", "POST", TEMPLATE + "/provisioning-claim", r -> {
          ProvisioningService.Claim claim = service.createProvisioningClaim(r.pathParam("templateName"));
          ObjectNode out = created(claim.issued().certificate());
          out.remove("certificateArn");
          out.putObject("keyPair").put("PublicKey", claim.issued().publicKeyPem())
              .put("PrivateKey", claim.issued().privateKeyPem());
          out.put("expiration", ApiJson.epochSeconds(claim.expiration()));
          return ApiJson.ok(out);
        }),
        Route.of("DescribeCertificate", "GET", CERTIFICATE, r -> {
          ObjectNode out = ApiJson.MAPPER.createObjectNode();
          out.set("certificateDescription", certificate(service.describeCertificate(r.pathParam("certificateId"))));
          return ApiJson.ok(out);
        }),
        Route.of("ListCertificates", "GET", "/certificates", this::listCertificates),
        Route.of("UpdateCertificate", "PUT", CERTIFICATE, r -> {
          service.updateCertificate(r.pathParam("certificateId"),
              CertificateStatus.parse(r.queryParam("newStatus").orElse(null)));
          return ApiResponse.bytes(200, "application/json", new byte[0]);
        }),
        Route.of("CreateKeysAndCertificate", "POST", "/keys-and-certificate", r -> {
          ProvisioningService.Issued issued = service.createKeysAndCertificate(ApiJson.boolParam(r, "setAsActive"));
          ObjectNode out = created(issued.certificate());
          out.putObject("keyPair").put("PublicKey", issued.publicKeyPem()).put("PrivateKey", issued.privateKeyPem());
          return ApiJson.ok(out);
        }),
        Route.of("CreateCertificateFromCsr", "POST", "/certificates", r -> ApiJson.ok(created(service
            .createCertificateFromCsr(ApiJson.text(ApiJson.body(r), "certificateSigningRequest"),
                ApiJson.boolParam(r, "setAsActive")).certificate()))),
        Route.of("ListThingPrincipals", "GET", "/things/(?<thingName>[^/]+)/principals", r -> {
          ObjectNode out = ApiJson.MAPPER.createObjectNode();
          service.listThingPrincipals(r.pathParam("thingName")).forEach(out.putArray("principals")::add);
          return ApiJson.ok(out);
        }));
  }

  private ApiResponse createTemplate(ApiRequest r) {
    ObjectNode body = ApiJson.body(r);
    String type = ApiJson.text(body, "type");
    if (type != null && !type.equals("FLEET_PROVISIONING")) {
      throw AwsApiException.invalidRequest("the twin serves FLEET_PROVISIONING templates only, not " + type);
    }
    JsonNode hook = body.get("preProvisioningHook");
    ProvisioningTemplate.Hook h = null;
    if (hook != null && !hook.isNull()) {
      String target = ApiJson.text(hook, "targetArn");
      if (target == null) {
        throw AwsApiException.invalidRequest("preProvisioningHook.targetArn is required");
      }
      h = new ProvisioningTemplate.Hook(target, ApiJson.text(hook, "payloadVersion"));
    }
    JsonNode enabled = body.get("enabled");
    ProvisioningTemplate t = service.createProvisioningTemplate(new ProvisioningService.TemplateRequest(
        ApiJson.text(body, "templateName"), ApiJson.text(body, "templateBody"),
        enabled != null && enabled.asBoolean(false), ApiJson.text(body, "description"), h,
        ApiJson.text(body, "provisioningRoleArn")));
    ObjectNode out = ApiJson.MAPPER.createObjectNode().put("templateArn", t.templateArn())
        .put("templateName", t.templateName()).put("defaultVersionId", 1);
    return ApiJson.ok(out);
  }

  private ApiResponse listTemplates(ApiRequest r) {
    Paging.Page<ProvisioningTemplate> page = Paging.page(service.listProvisioningTemplates(),
        Paging.intParam("maxResults", r.queryParam("maxResults").orElse(null)), r.queryParam("nextToken").orElse(null),
        "provisioning-templates", 50);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("templates");
    for (ProvisioningTemplate t : page.items()) {
      ObjectNode n = list.addObject().put("templateArn", t.templateArn()).put("templateName", t.templateName());
      if (t.description() != null) {
        n.put("description", t.description());
      }
      n.put("creationDate", ApiJson.epochSeconds(t.creationDate()))
          .put("lastModifiedDate", ApiJson.epochSeconds(t.lastModifiedDate())).put("enabled", t.enabled())
          .put("type", "FLEET_PROVISIONING");
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  private static ObjectNode describe(ProvisioningTemplate t) {
    ObjectNode n = ApiJson.MAPPER.createObjectNode().put("templateArn", t.templateArn())
        .put("templateName", t.templateName());
    if (t.description() != null) {
      n.put("description", t.description());
    }
    n.put("creationDate", ApiJson.epochSeconds(t.creationDate()))
        .put("lastModifiedDate", ApiJson.epochSeconds(t.lastModifiedDate())).put("defaultVersionId", 1)
        .put("templateBody", t.templateBody()).put("enabled", t.enabled()).put("type", "FLEET_PROVISIONING");
    if (t.provisioningRoleArn() != null) {
      n.put("provisioningRoleArn", t.provisioningRoleArn());
    }
    if (t.hook() != null) {
      ObjectNode h = n.putObject("preProvisioningHook").put("targetArn", t.hook().targetArn());
      if (t.hook().payloadVersion() != null) {
        h.put("payloadVersion", t.hook().payloadVersion());
      }
    }
    return n;
  }

  private ApiResponse listCertificates(ApiRequest r) {
    List<TwinCertificate> all = new ArrayList<>(service.listCertificates());
    if (!ApiJson.boolParam(r, "isAscendingOrder")) {
      java.util.Collections.reverse(all);
    }
    Paging.Page<TwinCertificate> page = Paging.page(all,
        Paging.intParam("pageSize", r.queryParam("pageSize").orElse(null)), r.queryParam("marker").orElse(null),
        "certificates|" + r.queryParam("isAscendingOrder").orElse(""), 25);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("certificates");
    for (TwinCertificate c : page.items()) {
      list.addObject().put("certificateArn", c.certificateArn()).put("certificateId", c.certificateId())
          .put("status", c.status().name()).put("certificateMode", "DEFAULT")
          .put("creationDate", ApiJson.epochSeconds(c.creationDate()));
    }
    if (page.nextToken() != null) {
      out.put("nextMarker", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  private static ObjectNode certificate(TwinCertificate c) {
    X509Certificate x = Pki.readCertificate(c.certificatePem());
    ObjectNode n = ApiJson.MAPPER.createObjectNode().put("certificateArn", c.certificateArn())
        .put("certificateId", c.certificateId()).put("status", c.status().name())
        .put("certificatePem", c.certificatePem()).put("ownedBy", c.certificateArn().split(":")[4])
        .put("creationDate", ApiJson.epochSeconds(c.creationDate()))
        .put("lastModifiedDate", ApiJson.epochSeconds(c.lastModifiedDate())).put("customerVersion", 1)
        .put("certificateMode", "DEFAULT");
    n.putObject("validity").put("notBefore", ApiJson.epochSeconds(x.getNotBefore().toInstant()))
        .put("notAfter", ApiJson.epochSeconds(x.getNotAfter().toInstant()));
    return n;
  }

  private static ObjectNode created(TwinCertificate c) {
    return ApiJson.MAPPER.createObjectNode().put("certificateArn", c.certificateArn())
        .put("certificateId", c.certificateId()).put("certificatePem", c.certificatePem());
  }
}
