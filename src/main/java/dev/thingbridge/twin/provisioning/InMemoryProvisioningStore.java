package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.provisioning.internal.ProvisioningJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link ProvisioningStore} in maps, with its whole content as JSON for the twin's state directory. */
public final class InMemoryProvisioningStore implements ProvisioningStore {
  private final Map<String, ProvisioningTemplate> templates = new TreeMap<>();
  private final Map<String, TwinCertificate> certificates = new LinkedHashMap<>();
  private final Map<String, OwnershipToken> tokens = new LinkedHashMap<>();

  @Override
  public Optional<ProvisioningTemplate> template(String templateName) {
    return Optional.ofNullable(templates.get(templateName));
  }

  @Override
  public List<ProvisioningTemplate> templates() {
    return List.copyOf(templates.values());
  }

  @Override
  public void putTemplate(ProvisioningTemplate template) {
    templates.put(template.templateName(), template);
  }

  @Override
  public void deleteTemplate(String templateName) {
    templates.remove(templateName);
  }

  @Override
  public Optional<TwinCertificate> certificate(String certificateId) {
    return Optional.ofNullable(certificates.get(certificateId));
  }

  @Override
  public List<TwinCertificate> certificates() {
    return List.copyOf(certificates.values());
  }

  @Override
  public void putCertificate(TwinCertificate certificate) {
    certificates.put(certificate.certificateId(), certificate);
  }

  @Override
  public void deleteCertificate(String certificateId) {
    certificates.remove(certificateId);
  }

  @Override
  public Optional<OwnershipToken> token(String token) {
    return Optional.ofNullable(tokens.get(token));
  }

  @Override
  public List<OwnershipToken> tokens() {
    return List.copyOf(tokens.values());
  }

  @Override
  public void putToken(OwnershipToken token) {
    tokens.put(token.token(), token);
  }

  @Override
  public void deleteToken(String token) {
    tokens.remove(token);
  }

  /** Everything as one JSON object. */
  public JsonNode snapshot() {
    ObjectNode root = ProvisioningJson.MAPPER.createObjectNode();
    ArrayNode t = root.putArray("templates");
    templates.values().forEach(x -> t.add(ProvisioningJson.template(x)));
    ArrayNode c = root.putArray("certificates");
    certificates.values().forEach(x -> c.add(ProvisioningJson.certificate(x)));
    ArrayNode o = root.putArray("tokens");
    tokens.values().forEach(x -> o.add(ProvisioningJson.token(x)));
    return root;
  }

  /** Replaces the content with a {@link #snapshot()}; entries that do not read back are skipped. */
  public void restore(JsonNode snapshot) {
    templates.clear();
    certificates.clear();
    tokens.clear();
    List<RuntimeException> skipped = new ArrayList<>();
    snapshot.path("templates").forEach(n -> read(skipped, () -> putTemplate(ProvisioningJson.template(n))));
    snapshot.path("certificates").forEach(n -> read(skipped, () -> putCertificate(ProvisioningJson.certificate(n))));
    snapshot.path("tokens").forEach(n -> read(skipped, () -> putToken(ProvisioningJson.token(n))));
  }

  private static void read(List<RuntimeException> skipped, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      skipped.add(e);
    }
  }
}
