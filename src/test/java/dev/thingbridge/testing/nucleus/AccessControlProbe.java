package dev.thingbridge.testing.nucleus;

/** Lets tests outside this package ask an {@link AccessControl} directly. */
public final class AccessControlProbe {
  private AccessControlProbe() {}

  public static boolean allows(AccessControl ac, String service, String resource) {
    return ac.allows(service, "*", resource) || ac.allows(service, "aws.greengrass#PublishToIoTCore", resource)
        || ac.allows(service, "aws.greengrass#PublishToTopic", resource);
  }
}
