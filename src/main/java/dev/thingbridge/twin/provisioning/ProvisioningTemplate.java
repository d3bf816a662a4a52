package dev.thingbridge.twin.provisioning;

import java.time.Instant;
import java.util.Objects;

/**
 * A fleet provisioning template, as CreateProvisioningTemplate takes it and DescribeProvisioningTemplate
 * returns it.
 *
 * @param templateName 1-36 characters of {@code [0-9A-Za-z_-]}
 * @param templateArn {@code arn:aws:iot:<region>:<account>:provisioningtemplate/<name>}
 * @param description free text, or null
 * @param templateBody the template JSON, as given
 * @param enabled whether devices may provision with it
 * @param provisioningRoleArn the role AWS would assume (recorded, not used)
 * @param hook the pre-provisioning hook, or null
 * @param creationDate when it was created
 * @param lastModifiedDate when it last changed
 */
public record ProvisioningTemplate(String templateName, String templateArn, String description, String templateBody,
    boolean enabled, String provisioningRoleArn, Hook hook, Instant creationDate, Instant lastModifiedDate) {
  public ProvisioningTemplate {
    Objects.requireNonNull(templateName, "templateName");
    Objects.requireNonNull(templateArn, "templateArn");
    Objects.requireNonNull(templateBody, "templateBody");
    Objects.requireNonNull(creationDate, "creationDate");
    Objects.requireNonNull(lastModifiedDate, "lastModifiedDate");
  }

  /**
   * A pre-provisioning hook: on AWS a Lambda ARN; in the twin an {@code http(s)://} URL to POST to, or a
   * local command ({@code file:///path} or an absolute path) fed the input on stdin.
   */
  public record Hook(String targetArn, String payloadVersion) {
    public Hook {
      Objects.requireNonNull(targetArn, "targetArn");
    }
  }
}
