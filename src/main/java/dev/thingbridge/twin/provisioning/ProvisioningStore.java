package dev.thingbridge.twin.provisioning;

import java.util.List;
import java.util.Optional;

/**
 * What the provisioning service keeps: templates, certificates and ownership tokens. Called under the twin's
 * lock only. {@link InMemoryProvisioningStore} keeps them in maps (and in the twin's state directory through
 * the service's snapshot).
 */
public interface ProvisioningStore {
  Optional<ProvisioningTemplate> template(String templateName);

  /** Every template by name. */
  List<ProvisioningTemplate> templates();

  void putTemplate(ProvisioningTemplate template);

  void deleteTemplate(String templateName);

  Optional<TwinCertificate> certificate(String certificateId);

  /** Every certificate in issue order. */
  List<TwinCertificate> certificates();

  void putCertificate(TwinCertificate certificate);

  void deleteCertificate(String certificateId);

  Optional<OwnershipToken> token(String token);

  /** Every live token in issue order. */
  List<OwnershipToken> tokens();

  void putToken(OwnershipToken token);

  void deleteToken(String token);
}
