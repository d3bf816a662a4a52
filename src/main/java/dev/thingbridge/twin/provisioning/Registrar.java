package dev.thingbridge.twin.provisioning;

import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.Override;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.PolicyPlan;
import dev.thingbridge.twin.provisioning.ProvisioningPlan.ThingPlan;
import dev.thingbridge.twin.things.Thing;
import dev.thingbridge.twin.things.ThingsService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries out a {@link ProvisioningPlan}: the thing is created, or, if it exists, kept or changed as its
 * {@code OverrideSettings} say (DO_NOTHING, the default, keeps it; REPLACE and MERGE rewrite its attributes;
 * FAIL refuses a thing that differs); the certificate gets its status and is attached to the thing with the
 * policies. Checks everything before changing anything, so a plan that fails leaves no trace. Runs under the
 * twin's lock; the thing's row goes out through the operation's outbox.
 */
final class Registrar {
  private final ProvisioningStore store;
  private final ThingsService things;

  public Registrar(ProvisioningStore store, ThingsService things) {
    this.store = store;
    this.things = things;
  }

  /**
   * Applies a plan to a certificate.
   *
   * @return the thing's name
   * @throws TemplateException 400 InvalidParameters for a thing the registry refuses, 409
   *     ResourceConflictException for an existing thing the override settings say FAIL for
   */
  public String apply(ProvisioningPlan plan, TwinCertificate certificate, Instant now, TwinOutbox out) {
    ThingPlan t = plan.thing();
    Optional<Thing> existing = things.registry().find(t.thingName());
    try {
      if (existing.isEmpty()) {
        things.createThing(t.thingName(), t.thingTypeName(), t.attributes(), out);
      } else {
        Thing changed = overridden(t, existing.get());
        if (!changed.equals(existing.get())) {
          things.updateThing(t.thingName(), changed.thingTypeName(), changed.attributes(), out);
        }
      }
    } catch (AwsApiException e) {
      throw new TemplateException(400, "InvalidParameters", e.getMessage());
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

  /** The thing as the override settings make it (unchanged for DO_NOTHING). */
  private static Thing overridden(ThingPlan t, Thing thing) {
    Override attributes = t.override("AttributePayload");
    Override type = t.override("ThingTypeName");
    boolean sameAttributes = thing.attributes().equals(t.attributes());
    boolean sameType = t.thingTypeName() == null || Objects.equals(thing.thingTypeName(), t.thingTypeName());
    if ((attributes == Override.FAIL && !sameAttributes) || (type == Override.FAIL && !sameType)) {
      throw new TemplateException(409, "ResourceConflictException", "Thing " + t.thingName()
          + " exists with other " + (sameAttributes ? "ThingTypeName" : "AttributePayload")
          + " and its OverrideSettings say FAIL");
    }
    Map<String, String> attrs = switch (attributes) {
      case REPLACE -> t.attributes();
      case MERGE -> {
        Map<String, String> m = new LinkedHashMap<>(thing.attributes());
        m.putAll(t.attributes());
        yield m;
      }
      default -> thing.attributes();
    };
    String typeName = type == Override.REPLACE || type == Override.MERGE ? t.thingTypeName() : thing.thingTypeName();
    return new Thing(thing.thingName(), thing.thingId(), thing.thingArn(), typeName, attrs, thing.version());
  }
}
