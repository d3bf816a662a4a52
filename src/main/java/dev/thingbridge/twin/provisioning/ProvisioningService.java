package dev.thingbridge.twin.provisioning;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of AWS IoT fleet provisioning by claim: the three MQTT APIs (CreateKeysAndCertificate,
 * CreateCertificateFromCsr, RegisterThing) in JSON and CBOR, provisioning templates with pre-provisioning hooks,
 * and certificates issued by the twin's {@link CertificateAuthority} in PENDING_ACTIVATION until a template
 * activates them. Ownership tokens expire after {@link ProvisioningSettings#tokenLifetime()} on the twin's
 * clock; with them, certificates that were never registered are deleted. The created things join the shared
 * {@link ThingRegistry}.
 *
 * <p>Control plane (plain Java and AWS-shaped HTTP): CreateProvisioningTemplate, DescribeProvisioningTemplate,
 * ListProvisioningTemplates, DeleteProvisioningTemplate, DescribeCertificate, ListCertificates,
 * UpdateCertificate, CreateKeysAndCertificate (claim certificates), CreateCertificateFromCsr and
 * ListThingPrincipals. Errors are {@link AwsApiException}s with AWS's types.
 *
 * <p>Threads: {@code thingbridge-twin-provisioning-N} make RSA keys and call hooks, off the twin's lock;
 * {@link #close()} stops them.
 */
public final class ProvisioningService implements TwinService, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProvisioningService.class);
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[0-9A-Za-z_-]{1,36}");

  private final ThingRegistry registry;
  private final CertificateAuthority ca;
  private final ProvisioningState store = new ProvisioningState();
  private final ProvisioningSettings settings;
  private final ExecutorService work;
  private final Issuer issuer;
  private final DeviceRequests devices;
  private TwinContext context;

  /** A service with AWS's behaviour; the things it creates join {@code things}. */
  public ProvisioningService(ThingsService things, CertificateAuthority ca) {
    this(things, ca, ProvisioningSettings.DEFAULTS, PreProvisioningHook::forTarget);
  }

  /**
   * A service.
   *
   * @param things the twin's things service, where provisioned things are created
   * @param hooks finds the hook a template's {@code targetArn} names (default {@link PreProvisioningHook#forTarget})
   */
  public ProvisioningService(ThingsService things, CertificateAuthority ca, ProvisioningSettings settings,
      Function<String, PreProvisioningHook> hooks) {
    this.registry = things.registry();
    this.ca = Objects.requireNonNull(ca, "ca");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.work = Executors.newFixedThreadPool(2, new NamedThreadFactory("thingbridge-twin-provisioning", true));
    this.issuer = new Issuer(ca, store, settings, registry::arn);
    Supplier<Instant> now = () -> context.now();
    this.devices = new DeviceRequests(store, issuer, new Registrar(store, things), settings, hooks, work,
        op -> context.exclusive(this, o -> {
          Boolean changed = op.apply(o);
          store.drainTo(o);
          return changed;
        }), now);
  }

  @Override
  public String name() {
    return "provisioning";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  /** The CA that signs the twin's certificates. */
  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  /** The settings this service runs with. */
  public ProvisioningSettings settings() {
    return settings;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of(SubscriptionFilter.of("$aws/certificates/create/+", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of("$aws/certificates/create-from-csr/+", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of("$aws/provisioning-templates/+/provision/+", QoS.AT_LEAST_ONCE));
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    boolean changed = devices.handle(request, out);
    store.drainTo(out);
    return changed;
  }

  @Override
  public void answerInternalFailure(MqttMessage request, TwinOutbox out) {
    DeviceRequests.answerInternalFailure(request, out);
  }

  /** Deletes expired ownership tokens and the certificates they left PENDING_ACTIVATION. */
  @Override
  public boolean tick(Instant now, TwinOutbox out) {
    boolean changed = false;
    for (OwnershipToken t : store.tokens()) {
      if (t.expiredAt(now)) {
        store.deleteToken(t.tokenHash());
        store.certificate(t.certificateId())
            .filter(c -> c.status() == CertificateStatus.PENDING_ACTIVATION && c.thingName() == null)
            .ifPresent(c -> {
              store.deleteCertificate(c.certificateId());
              log.info("twin provisioning: certificate {} was never registered; deleted", c.certificateId());
            });
        changed = true;
      }
    }
    store.drainTo(out);
    return changed;
  }

  // ---- control plane ------------------------------------------------------------------------------------

  /** What CreateProvisioningTemplate takes. */
  public record TemplateRequest(String templateName, String templateBody, boolean enabled, String description,
      ProvisioningTemplate.Hook hook, String provisioningRoleArn) {}

  /**
   * CreateProvisioningTemplate.
   *
   * @throws AwsApiException InvalidRequestException for a bad name, body or hook; ResourceAlreadyExistsException
   */
  public ProvisioningTemplate createProvisioningTemplate(TemplateRequest r) {
    if (r.templateName() == null || !TEMPLATE_NAME.matcher(r.templateName()).matches()) {
      throw AwsApiException.invalidRequest("templateName must be 1-36 characters of [0-9A-Za-z_-]");
    }
    try {
      TemplateEngine.validate(r.templateBody());
    } catch (TemplateException e) {
      throw AwsApiException.invalidRequest(e.getMessage());
    }
    if (r.hook() != null) {
      try {
        PreProvisioningHook.forTarget(r.hook().targetArn());
      } catch (IllegalArgumentException e) {
        throw AwsApiException.invalidRequest(e.getMessage());
      }
    }
    return exclusive(() -> {
      if (store.template(r.templateName()).isPresent()) {
        throw new AwsApiException(409, "ResourceAlreadyExistsException",
            "Template " + r.templateName() + " already exists.");
      }
      Instant now = context.now();
      ProvisioningTemplate t = new ProvisioningTemplate(r.templateName(),
          registry.arn("provisioningtemplate/" + r.templateName()), r.description(), r.templateBody(), r.enabled(),
          r.provisioningRoleArn(), r.hook(), now, now);
      store.putTemplate(t);
      log.info("twin provisioning: template {} created", t.templateName());
      return t;
    });
  }

  /** DescribeProvisioningTemplate; ResourceNotFoundException if absent. */
  public ProvisioningTemplate describeProvisioningTemplate(String templateName) {
    return read(() -> store.template(templateName).orElseThrow(
        () -> AwsApiException.notFound("Template " + templateName + " does not exist.")));
  }

  /** Every template, by name. */
  public List<ProvisioningTemplate> listProvisioningTemplates() {
    return read(store::templates);
  }

  /** DeleteProvisioningTemplate; ResourceNotFoundException if absent. */
  public void deleteProvisioningTemplate(String templateName) {
    exclusive(() -> {
      describeProvisioningTemplate(templateName);
      store.deleteTemplate(templateName);
      return null;
    });
  }

  /** DescribeCertificate; ResourceNotFoundException if absent. */
  public TwinCertificate describeCertificate(String certificateId) {
    return read(() -> store.certificate(certificateId).orElseThrow(
        () -> AwsApiException.notFound("Certificate " + certificateId + " does not exist.")));
  }

  /** Every certificate, in issue order. */
  public List<TwinCertificate> listCertificates() {
    return read(store::certificates);
  }

  /** UpdateCertificate; InvalidRequestException for a status a caller may not set. */
  public TwinCertificate updateCertificate(String certificateId, CertificateStatus status) {
    if (status == null || status == CertificateStatus.PENDING_ACTIVATION || status == CertificateStatus.PENDING_TRANSFER
        || status == CertificateStatus.REGISTER_INACTIVE) {
      throw AwsApiException.invalidRequest("newStatus must be ACTIVE, INACTIVE or REVOKED");
    }
    return exclusive(() -> {
      TwinCertificate c = describeCertificate(certificateId).withStatus(status, context.now());
      store.putCertificate(c);
      return c;
    });
  }

  /** A certificate made by the control plane, with its private key when the twin made the key. */
  public record Issued(TwinCertificate certificate, String privateKeyPem, String publicKeyPem) {
    @Override
    public String toString() {
      return "Issued[" + certificate.certificateId() + "]";
    }
  }

  /** CreateKeysAndCertificate of the control plane (claim certificates, say): ACTIVE or INACTIVE. */
  public Issued createKeysAndCertificate(boolean setAsActive) {
    KeyPair keys = issuer.newKeys();
    X509Certificate cert = issuer.sign(keys.getPublic());
    TwinCertificate c = exclusive(() -> issuer.record(cert,
        setAsActive ? CertificateStatus.ACTIVE : CertificateStatus.INACTIVE, context.now()));
    return new Issued(c, Pki.privateKeyPem(keys), Pki.publicKeyPem(keys.getPublic()));
  }

  /** How long a claim certificate from {@link #createProvisioningClaim} is valid: five minutes, as on AWS. */
  public static final Duration PROVISIONING_CLAIM_VALIDITY = Duration.ofMinutes(5);

  /** A temporary claim certificate with its keys, and the moment it expires. */
  public record Claim(Issued issued, Instant expiration) {}

  /**
   * CreateProvisioningClaim, the start of provisioning by trusted user: a claim certificate for the template,
   * ACTIVE, with a key pair the twin makes, valid for {@link #PROVISIONING_CLAIM_VALIDITY} (a TLS broker
   * rooted in the twin's CA refuses it afterwards). The device then provisions with it by claim.
   *
   * @throws AwsApiException ResourceNotFoundException if the template does not exist
   */
  public Claim createProvisioningClaim(String templateName) {
    describeProvisioningTemplate(templateName);
    KeyPair keys = issuer.newKeys();
    X509Certificate cert = issuer.signClaim(keys.getPublic(), templateName, PROVISIONING_CLAIM_VALIDITY);
    TwinCertificate c = exclusive(() -> issuer.record(cert, CertificateStatus.ACTIVE, context.now()));
    log.info("twin provisioning: claim certificate {} for template {}, valid until {}", c.certificateId(),
        templateName, cert.getNotAfter().toInstant());
    return new Claim(new Issued(c, Pki.privateKeyPem(keys), Pki.publicKeyPem(keys.getPublic())),
        cert.getNotAfter().toInstant());
  }

  /** CreateCertificateFromCsr of the control plane; InvalidRequestException for a bad CSR. */
  public Issued createCertificateFromCsr(String csrPem, boolean setAsActive) {
    X509Certificate cert;
    try {
      cert = issuer.sign(Pki.publicKey(Pki.readCsr(csrPem)));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw AwsApiException.invalidRequest("certificateSigningRequest is not a valid CSR");
    }
    TwinCertificate c = exclusive(() -> issuer.record(cert,
        setAsActive ? CertificateStatus.ACTIVE : CertificateStatus.INACTIVE, context.now()));
    return new Issued(c, null, null);
  }

  /** ListThingPrincipals: the ARNs of the certificates attached to a thing. */
  public List<String> listThingPrincipals(String thingName) {
    return read(() -> {
      registry.describe(thingName);
      return store.certificates().stream().filter(c -> thingName.equals(c.thingName()))
          .map(TwinCertificate::certificateArn).toList();
    });
  }

  @Override
  public List<Route> routes() {
    return new ProvisioningRoutes(this).routes();
  }

  private <R> R exclusive(Supplier<R> op) {
    requireAttached();
    return context.exclusive(this, out -> {
      R result = op.get();
      store.drainTo(out);
      return result;
    });
  }

  private <R> R read(Supplier<R> op) {
    requireAttached();
    return context.read(this, op);
  }

  private void requireAttached() {
    if (context == null) {
      throw new IllegalStateException("the provisioning service is not part of a twin yet");
    }
  }

  @Override
  public StoreSchema schema() {
    return ProvisioningState.SCHEMA;
  }

  @Override
  public void load(StoreReader reader) {
    store.load(reader);
  }

  /** Stops the key and hook threads; requests still being worked on get no answer. */
  @Override
  public void close() {
    work.shutdownNow();
    try {
      work.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
