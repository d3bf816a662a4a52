package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pre-provisioning hook (https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html):
 * called with the RegisterThing's input before any resource is made; provisioning goes on only if it answers
 * {@code {"allowProvisioning": true}} within the time limit (5 s on AWS), its {@code parameterOverrides}
 * merged into the device's parameters. Anything else (false, an error, a crash, silence) denies.
 *
 * <p>Implementations block; the twin calls them off its lock, on its own thread.
 */
@FunctionalInterface
public interface PreProvisioningHook {
  /**
   * Decides for one device.
   *
   * @param input {@code {"certificateId","certificatePem","templateArn","parameters"}} (the twin cannot know the
   *     claim certificate or client id of a publish on a shared broker, so those members are left out)
   * @param timeout how long the hook may take
   * @throws Exception any failure, which denies
   */
  Decision decide(JsonNode input, Duration timeout) throws Exception;

  /** A hook's answer. */
  record Decision(boolean allowProvisioning, Map<String, String> parameterOverrides) {
    public Decision {
      parameterOverrides = Map.copyOf(parameterOverrides);
    }
  }

  /**
   * The hook a template's {@code targetArn} names in the twin: an {@code http://} or {@code https://} URL
   * (POSTed the input as JSON, answering with the decision as JSON), or a local command, {@code file:///path}
   * or an absolute path (run without a shell, the input on stdin, the decision on stdout).
   *
   * @throws IllegalArgumentException for anything else (a Lambda ARN: the twin cannot run Lambdas)
   */
  static PreProvisioningHook forTarget(String targetArn) {
    if (targetArn.startsWith("http://") || targetArn.startsWith("https://")) {
      return new UrlHook(URI.create(targetArn));
    }
    if (targetArn.startsWith("file:")) {
      return new CommandHook(List.of(Path.of(URI.create(targetArn)).toString()));
    }
    if (targetArn.startsWith("/")) {
      return new CommandHook(List.of(targetArn));
    }
    throw new IllegalArgumentException("the twin runs a pre-provisioning hook as an http(s):// URL or a local "
        + "command (file:///path or /path), not " + (targetArn.startsWith("arn:") ? "a Lambda ARN" : "'" + targetArn + "'"));
  }
}
