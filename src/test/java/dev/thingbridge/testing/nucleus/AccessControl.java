package dev.thingbridge.testing.nucleus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A component's {@code accessControl} as the nucleus enforces it: policies per IPC service, each granting
 * operations on resources. {@code aws.greengrass.ipc.mqttproxy} resources match MQTT-style ({@code +} one
 * level, {@code #} the rest, and {@code *} any characters); {@code aws.greengrass.ipc.pubsub} resources are
 * globs where only {@code *} is special.
 */
public final class AccessControl {
  /** The mqttproxy service identifier. */
  public static final String MQTT_PROXY = "aws.greengrass.ipc.mqttproxy";
  /** The local pub/sub service identifier. */
  public static final String PUB_SUB = "aws.greengrass.ipc.pubsub";

  private record Policy(String service, List<String> operations, List<String> resources) {}

  private final List<Policy> policies = new ArrayList<>();

  /** Reads the {@code accessControl} map of a recipe's DefaultConfiguration (null means none). */
  @SuppressWarnings("unchecked")
  static AccessControl fromConfiguration(Object accessControl) {
    AccessControl ac = new AccessControl();
    if (accessControl instanceof Map<?, ?> services) {
      services.forEach((service, policies) -> {
        if (policies instanceof Map<?, ?> byId) {
          byId.values().forEach(p -> {
            Map<String, Object> policy = (Map<String, Object>) p;
            ac.grant(String.valueOf(service), (List<String>) policy.getOrDefault("operations", List.of()),
                (List<String>) policy.getOrDefault("resources", List.of()));
          });
        }
      });
    }
    return ac;
  }

  /** Adds a policy. Operations are full names like {@code aws.greengrass#PublishToIoTCore}, or {@code *}. */
  public AccessControl grant(String service, List<String> operations, List<String> resources) {
    policies.add(new Policy(service, List.copyOf(operations), List.copyOf(resources)));
    return this;
  }

  boolean allows(String service, String operation, String resource) {
    for (Policy p : policies) {
      if (!p.service.equals(service) || !(p.operations.contains(operation) || p.operations.contains("*"))) {
        continue;
      }
      for (String r : p.resources) {
        boolean match = service.equals(MQTT_PROXY) ? mqttCovers(r, resource) : globMatches(r, resource);
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether policy resource {@code policy} covers topic or filter {@code requested}. */
  static boolean mqttCovers(String policy, String requested) {
    if (policy.equals("*") || policy.equals(requested)) {
      return true;
    }
    if (policy.contains("*")) {
      StringBuilder regex = new StringBuilder();
      for (char c : policy.toCharArray()) {
        switch (c) {
          case '*', '#' -> regex.append(".*");
          case '+' -> regex.append("[^/]+");
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.matches(regex.toString(), requested);
    }
    String[] p = policy.split("/", -1);
    String[] q = requested.split("/", -1);
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals("#")) {
        return true;
      }
      if (i >= q.length) {
        return false;
      }
      if (p[i].equals("+") ? q[i].equals("#") : !p[i].equals(q[i])) {
        return false;
      }
    }
    return p.length == q.length;
  }

  static boolean globMatches(String policy, String requested) {
    StringBuilder regex = new StringBuilder();
    for (char c : policy.toCharArray()) {
      regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.matches(regex.toString(), requested);
  }
}
