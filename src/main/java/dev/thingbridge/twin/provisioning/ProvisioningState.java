package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The provisioning service's state: in memory, where requests read it, and in three tables of the twin's
 * database, {@code provisioning_templates}, {@code certificates} and {@code ownership_tokens} (the tokens by
 * their SHA-256 only). Every change is also queued as a row write; the service hands the queue to the
 * operation's outbox ({@link #drainTo}) so the twin commits it with the operation. Used under the twin's lock.
 */
public final class ProvisioningState implements ProvisioningStore {
  /** Templates by name; {@code document} holds the whole template as JSON. */
  static final Table TEMPLATES = Table.of("provisioning_templates", 1, "template_name", "created_at", "document");
  /** Certificates by id, with their status and thing for queries in {@code sqlite3}. */
  static final Table CERTIFICATES = Table.of("certificates", 1, "certificate_id", "status", "thing_name",
      "created_at", "document");
  /** Live ownership tokens by hash. */
  static final Table TOKENS = Table.of("ownership_tokens", 1, "token_hash", "certificate_id", "expires_at", "document");
  /** The tables and how they are made. */
  static final StoreSchema SCHEMA = StoreSchema.of("provisioning", List.of(TEMPLATES, CERTIFICATES, TOKENS),
      Migration.sql(
          "CREATE TABLE provisioning_templates (template_name TEXT PRIMARY KEY, created_at INTEGER NOT NULL,"
              + " document TEXT NOT NULL)",
          "CREATE TABLE certificates (certificate_id TEXT PRIMARY KEY, status TEXT NOT NULL, thing_name TEXT,"
              + " created_at INTEGER NOT NULL, document TEXT NOT NULL)",
          "CREATE INDEX certificates_by_thing ON certificates (thing_name)",
          "CREATE TABLE ownership_tokens (token_hash TEXT PRIMARY KEY, certificate_id TEXT NOT NULL,"
              + " expires_at INTEGER NOT NULL, document TEXT NOT NULL)"));

  private final Map<String, ProvisioningTemplate> templates = new TreeMap<>();
  private final Map<String, TwinCertificate> certificates = new LinkedHashMap<>();
  private final Map<String, OwnershipToken> tokens = new LinkedHashMap<>();
  private final List<Consumer<TwinOutbox>> pending = new ArrayList<>();

  @Override
  public Optional<ProvisioningTemplate> template(String templateName) {
    return Optional.ofNullable(templates.get(templateName));
  }

  @Override
  public List<ProvisioningTemplate> templates() {
    return List.copyOf(templates.values());
  }

  @Override
  public void putTemplate(ProvisioningTemplate t) {
    templates.put(t.templateName(), t);
    pending.add(out -> out.save(TEMPLATES, t.templateName(), t.creationDate().toEpochMilli(),
        ProvisioningJson.template(t).toString()));
  }

  @Override
  public void deleteTemplate(String templateName) {
    templates.remove(templateName);
    pending.add(out -> out.delete(TEMPLATES, templateName));
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
  public void putCertificate(TwinCertificate c) {
    certificates.put(c.certificateId(), c);
    pending.add(out -> out.save(CERTIFICATES, c.certificateId(), c.status().name(), c.thingName(),
        c.creationDate().toEpochMilli(), ProvisioningJson.certificate(c).toString()));
  }

  @Override
  public void deleteCertificate(String certificateId) {
    certificates.remove(certificateId);
    pending.add(out -> out.delete(CERTIFICATES, certificateId));
  }

  @Override
  public Optional<OwnershipToken> token(String tokenHash) {
    return Optional.ofNullable(tokens.get(tokenHash));
  }

  @Override
  public List<OwnershipToken> tokens() {
    return List.copyOf(tokens.values());
  }

  @Override
  public void putToken(OwnershipToken t) {
    tokens.put(t.tokenHash(), t);
    pending.add(out -> out.save(TOKENS, t.tokenHash(), t.certificateId(), t.expiresAt().toEpochMilli(),
        ProvisioningJson.token(t).toString()));
  }

  @Override
  public void deleteToken(String tokenHash) {
    tokens.remove(tokenHash);
    pending.add(out -> out.delete(TOKENS, tokenHash));
  }

  /** Writes the rows changed since the last drain through {@code out}. */
  public void drainTo(TwinOutbox out) {
    pending.forEach(w -> w.accept(out));
    pending.clear();
  }

  /** Replaces the content with the tables' (at start, and after a commit failed). */
  public void load(StoreReader store) {
    templates.clear();
    certificates.clear();
    tokens.clear();
    pending.clear();
    store.query("SELECT document FROM provisioning_templates ORDER BY template_name",
        row -> read(row.text("document"), n -> {
          ProvisioningTemplate t = ProvisioningJson.template(n);
          templates.put(t.templateName(), t);
        }));
    store.query("SELECT document FROM certificates ORDER BY created_at, rowid",
        row -> read(row.text("document"), n -> {
          TwinCertificate c = ProvisioningJson.certificate(n);
          certificates.put(c.certificateId(), c);
        }));
    store.query("SELECT document FROM ownership_tokens ORDER BY rowid",
        row -> read(row.text("document"), n -> {
          OwnershipToken t = ProvisioningJson.token(n);
          tokens.put(t.tokenHash(), t);
        }));
  }

  private static void read(String document, Consumer<JsonNode> into) {
    try {
      into.accept(ProvisioningJson.MAPPER.readTree(document));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("provisioning: a stored row is unreadable: " + e.getMessage(), e);
    }
  }
}
