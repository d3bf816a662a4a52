package dev.thingbridge.twin.provisioning;

import java.util.List;
import java.util.Optional;

/**
 * What the provisioning service keeps: templates, certificates and ownership tokens. Called under the twin's
 * lock only. {@link ProvisioningState} keeps them in memory and in the twin's database.
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

  /** A token by its {@link OwnershipToken#hash}. */
  Optional<OwnershipToken> token(String tokenHash);

  /** Every live token in issue order. */
  List<OwnershipToken> tokens();

  void putToken(OwnershipToken token);

  void deleteToken(String tokenHash);
}
