package dev.thingbridge.twin.provisioning.internal;

import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.provisioning.ProvisioningStore;
import dev.thingbridge.twin.provisioning.TwinCertificate;
import dev.thingbridge.twin.provisioning.internal.ProvisioningPlan.Override;
import dev.thingbridge.twin.provisioning.internal.ProvisioningPlan.PolicyPlan;
import dev.thingbridge.twin.provisioning.internal.ProvisioningPlan.ThingPlan;
import dev.thingbridge.twin.things.Thing;
import dev.thingbridge.twin.things.ThingRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries out a {@link ProvisioningPlan}: the thing is created (or, if it exists, kept as its {@code
 * OverrideSettings} allow), the certificate gets its status and is attached to the thing with the policies.
 * Checks everything before changing anything, so a plan that fails leaves no trace. Runs under the twin's lock.
 */
public final class Registrar {
  private final ProvisioningStore store;
  private final ThingRegistry registry;

  public Registrar(ProvisioningStore store, ThingRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  /**
   * Applies a plan to a certificate.
   *
   * @return the thing's name
   * @throws TemplateException 400 InvalidParameters for a thing the registry refuses, 409
   *     ResourceConflictException for an existing thing the override settings do not let change
   */
  public String apply(ProvisioningPlan plan, TwinCertificate certificate, Instant now) {
    ThingPlan t = plan.thing();
    Optional<Thing> existing = registry.find(t.thingName());
    if (existing.isPresent()) {
      check(t, existing.get());
    } else {
      try {
        registry.create(t.thingName(), t.thingTypeName(), t.attributes());
      } catch (AwsApiException e) {
        throw new TemplateException(400, "InvalidParameters", e.getMessage());
      }
    }
    List<String> policies = new ArrayList<>();
    for (PolicyPlan p : plan.policies()) {
      policies.add(p.policyName() != null ? p.policyName() : "inline-" + Integer.toHexString(p.policyDocument().hashCode()));
    }
    TwinCertificate updated = certificate.attached(t.thingName(), policies, now);
    if (plan.certificate() != null) {
      updated = updated.withStatus(plan.certificate().status(), now);
    }
    store.putCertificate(updated);
    return t.thingName();
  }

  /** An existing thing may stay as it is, but the twin does not rewrite a thing's attributes or type. */
  private static void check(ThingPlan t, Thing thing) {
    boolean sameAttributes = thing.attributes().equals(t.attributes());
    boolean sameType = t.thingTypeName() == null || Objects.equals(thing.thingTypeName(), t.thingTypeName());
    Override attributes = t.override("AttributePayload");
    Override type = t.override("ThingTypeName");
    if ((attributes == Override.FAIL && !sameAttributes) || (type == Override.FAIL && !sameType)) {
      throw new TemplateException(409, "ResourceConflictException", "Thing " + t.thingName()
          + " exists with other " + (sameAttributes ? "ThingTypeName" : "AttributePayload")
          + " and its OverrideSettings say FAIL");
    }
    boolean merged = attributes == Override.MERGE && t.attributes().entrySet().stream()
        .allMatch(e -> e.getValue().equals(thing.attributes().get(e.getKey())));
    if ((attributes == Override.REPLACE && !sameAttributes) || (attributes == Override.MERGE && !merged)
        || (type == Override.REPLACE && !sameType)) {
      throw new TemplateException(409, "ResourceConflictException", "Thing " + t.thingName()
          + " exists; the twin does not rewrite an existing thing's attributes or type (OverrideSettings "
          + attributes + "/" + type + ")");
    }
  }
}
