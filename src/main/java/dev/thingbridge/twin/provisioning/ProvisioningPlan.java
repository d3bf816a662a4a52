package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What a template says to do for one device, all intrinsic functions evaluated.
 *
 * @param thing the thing to create or reuse, or null
 * @param certificate what to do with the certificate, or null (it then stays as it is)
 * @param policies the policies to attach
 * @param deviceConfiguration the flat device configuration for the reply
 */
record ProvisioningPlan(ThingPlan thing, CertificatePlan certificate, List<PolicyPlan> policies,
    Map<String, JsonNode> deviceConfiguration) {

  /** {@code OverrideSettings} values: what to do with a property of a thing that exists already. */
  public enum Override {
    DO_NOTHING, REPLACE, FAIL, MERGE
  }

  /** The thing resource. */
  public record ThingPlan(String thingName, String thingTypeName, Map<String, String> attributes,
      List<String> thingGroups, Map<String, Override> overrides) {
    /** The override of a property; {@link Override#DO_NOTHING} when the template names none. */
    public Override override(String property) {
      return overrides.getOrDefault(property, Override.DO_NOTHING);
    }
  }

  /** The certificate resource. */
  public record CertificatePlan(String certificateId, CertificateStatus status) {}

  /** A policy resource: an existing policy's name, or a document. */
  public record PolicyPlan(String policyName, String policyDocument) {}
}
