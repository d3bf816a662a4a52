package dev.thingbridge.provisioning;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttReplyDecodeException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.provisioning.ProvisioningTopics.Operation;
import dev.thingbridge.provisioning.internal.ReplyExchange;
import java.io.IOException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet Provisioning by claim
 * (https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html): connected with the claim
 * certificate, get a certificate of the device's own (CreateKeysAndCertificate, or CreateCertificateFromCsr
 * with a key made here or the caller's CSR), store it, and register the thing with a template.
 *
 * <p>Each step subscribes to its explicit accepted and rejected topics, publishes (QoS 1) once the broker
 * acknowledged them, waits at most {@code stepTimeout} and unsubscribes. The credentials go to the {@link
 * CredentialStore} before RegisterThing, so a failed registration keeps them. Throttling, server errors,
 * timeouts and a connection that is down are retried per the {@link RetryPolicy}; any other rejection ends
 * provisioning with a {@link ProvisioningRejectedException} carrying {@code statusCode}, {@code errorCode}
 * and {@code errorMessage}. Payloads are JSON or CBOR, chosen per provisioner.
 *
 * <p>Once provisioned, a device disconnects and connects again with its new certificate (see the README's
 * "Provisioning" section). Keys and ownership tokens are never logged.
 *
 * <p>Threads: key generation, storage and decoding run on {@code thingbridge-provisioning-<clientId>-N},
 * which {@link #close()} stops.
 */
public final class FleetProvisioner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetProvisioner.class);

  private final MqttClient mqtt;
  private final String templateName;
  private final PayloadFormat format;
  private final CertificateSource source;
  private final Map<String, String> parameters;
  private final CredentialStore store;
  private final Duration stepTimeout;
  private final RetryPolicy retry;
  private final ScheduledExecutorService executor;
  private final SecureRandom random = new SecureRandom();

  private FleetProvisioner(Builder b) {
    this.mqtt = b.mqtt;
    this.templateName = b.templateName;
    this.format = b.format;
    this.source = b.source;
    this.parameters = Map.copyOf(b.parameters);
    this.store = b.store;
    this.stepTimeout = b.stepTimeout;
    this.retry = b.retry;
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-provisioning-" + mqtt.clientId(), true));
    pool.setRemoveOnCancelPolicy(true);
    this.executor = pool;
  }

  /**
   * A builder for provisioning with the template {@code templateName}.
   *
   * @throws IllegalArgumentException unless the name is 1-36 characters of {@code [0-9A-Za-z_-]}
   */
  public static Builder builder(MqttClient mqtt, String templateName) {
    return new Builder(mqtt, ProvisioningTopics.checkTemplateName(templateName));
  }

  /** Runs the whole flow; the device configuration comes back as a JSON tree. */
  public CompletableFuture<ProvisioningResult<JsonNode>> provision() {
    return provision(TypeFactory.defaultInstance().constructType(JsonNode.class));
  }

  /** Runs the whole flow, decoding the device configuration into {@code configType}. */
  public <T> CompletableFuture<ProvisioningResult<T>> provision(Class<T> configType) {
    return provision(TypeFactory.defaultInstance().constructType(configType));
  }

  /** Runs the whole flow, decoding the device configuration into a generic type. */
  public <T> CompletableFuture<ProvisioningResult<T>> provision(TypeReference<T> configType) {
    return provision(TypeFactory.defaultInstance().constructType(configType));
  }

  private <T> CompletableFuture<ProvisioningResult<T>> provision(JavaType configType) {
    return issueCertificate().thenCompose(issued -> registerThing(issued.certificate().ownershipToken())
        .thenApplyAsync(reply -> finish(issued.credentials(), reply, configType), executor));
  }

  /** What the create step produced: the cloud's reply and the credentials as stored. */
  public record Issued(IssuedCertificate certificate, DeviceCredentials credentials) {}

  /**
   * The first step alone: gets a certificate (per the {@link CertificateSource}) and stores it. Fails with
   * {@link CredentialStorageException} if the store cannot keep it.
   */
  public CompletableFuture<Issued> issueCertificate() {
    return mqtt.awaitConnected(stepTimeout)
        .thenApplyAsync(v -> Request.prepare(source, mqtt.clientId()), executor)
        .thenCompose(request -> withRetry(request.operation, () -> createOnce(request))
            .thenApplyAsync(issued -> store(request, issued), executor));
  }

  /** The second step alone: RegisterThing with this token and the builder's parameters. */
  public CompletableFuture<RegisterThingReply> registerThing(String ownershipToken) {
    RegisterThingRequest request = new RegisterThingRequest(ownershipToken, parameters);
    byte[] payload = ProvisioningCodec.encodeRegisterThing(request, format);
    return withRetry(Operation.REGISTER_THING, () -> exchange(Operation.REGISTER_THING, payload, m -> true)
        .thenApply(m -> accepted(Operation.REGISTER_THING, m,
            p -> ProvisioningCodec.decodeRegisterAccepted(p, format))));
  }

  private CompletableFuture<IssuedCertificate> createOnce(Request request) {
    Predicate<MqttMessage> certifiesOurKey = request.csr == null ? m -> true : m -> certifiesKey(m, request);
    byte[] payload = request.csr == null ? new byte[0] : ProvisioningCodec.encodeCsrRequest(request.csrPem, format);
    return exchange(request.operation, payload, certifiesOurKey).thenApply(m -> {
      IssuedCertificate issued = accepted(request.operation, m,
          p -> ProvisioningCodec.decodeCreateAccepted(p, format, request.csr == null));
      if (request.csr != null && !certifiesKey(m, request)) {
        throw new MqttReplyDecodeException("the certificate " + issued.certificateId()
            + " does not certify the key of the CSR that was sent", null);
      }
      return issued;
    });
  }

  /** Whether an accepted reply's certificate carries the CSR's public key (other devices' replies do not). */
  private boolean certifiesKey(MqttMessage m, Request request) {
    if (!m.topic().endsWith("/accepted")) {
      return true;
    }
    IssuedCertificate issued = ProvisioningCodec.decodeCreateAccepted(m.payload(), format, false);
    return Arrays.equals(Pki.readCertificate(issued.certificatePem()).getPublicKey().getEncoded(),
        Pki.publicKey(request.csr).getEncoded());
  }

  private CompletableFuture<MqttMessage> exchange(Operation op, byte[] payload, Predicate<MqttMessage> extra) {
    byte[] correlation = new byte[16];
    random.nextBytes(correlation);
    MessageProperties properties = MessageProperties.builder()
        .contentType(format.contentType()).correlationData(correlation).build();
    Predicate<MqttMessage> ours = m -> m.properties().correlationData()
        .map(c -> Arrays.equals(c, correlation)).orElse(true);
    return ReplyExchange.exchange(mqtt, executor, ProvisioningTopics.request(op, templateName, format), payload,
        properties, ProvisioningTopics.accepted(op, templateName, format),
        ProvisioningTopics.rejected(op, templateName, format), stepTimeout, ours.and(extra));
  }

  private <R> R accepted(Operation op, MqttMessage reply, java.util.function.Function<byte[], R> decoder) {
    if (reply.topic().endsWith("/rejected")) {
      throw new ProvisioningRejectedException(op, ProvisioningCodec.decodeError(reply.payload(), format));
    }
    try {
      return decoder.apply(reply.payload());
    } catch (IllegalArgumentException e) {
      throw new MqttReplyDecodeException(op.apiName() + ": the accepted reply does not decode: " + e.getMessage(), e);
    }
  }

  private Issued store(Request request, IssuedCertificate issued) {
    String key = request.privateKeyPem != null ? request.privateKeyPem : issued.privateKeyPem();
    DeviceCredentials credentials = new DeviceCredentials(issued.certificateId(), issued.certificatePem(), key);
    try {
      store.save(credentials);
    } catch (IOException | RuntimeException e) {
      throw new CredentialStorageException(request.operation, "certificate " + issued.certificateId()
          + " could not be stored, so it is not registered: " + e.getMessage(), e);
    }
    log.info("provisioning {}: certificate {} issued and stored", mqtt.clientId(), issued.certificateId());
    return new Issued(issued, credentials);
  }

  private <T> ProvisioningResult<T> finish(DeviceCredentials credentials, RegisterThingReply reply, JavaType type) {
    try {
      store.registered(new Registration(reply.thingName(), credentials.certificateId(), reply.deviceConfiguration()));
    } catch (IOException | RuntimeException e) {
      throw new CredentialStorageException(Operation.REGISTER_THING, "thing " + reply.thingName()
          + " is registered but its registration could not be stored: " + e.getMessage(), e);
    }
    log.info("provisioning {}: registered as thing {}", mqtt.clientId(), reply.thingName());
    T config;
    try {
      config = decodeConfiguration(reply.deviceConfiguration(), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new MqttReplyDecodeException("thing " + reply.thingName() + " is registered, but its "
          + "deviceConfiguration does not decode into " + type.getRawClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    return new ProvisioningResult<>(reply.thingName(), credentials, config, reply.deviceConfiguration());
  }

  @SuppressWarnings("unchecked")
  private <T> T decodeConfiguration(JsonNode node, JavaType type) throws IOException {
    if (node == null || type.getRawClass() == Void.class) {
      return null;
    }
    if (type.getRawClass().isInstance(node)) {
      return (T) node;
    }
    return format.mapper().treeToValue(node, type);
  }

  private <R> CompletableFuture<R> withRetry(Operation op, Supplier<CompletableFuture<R>> attempt) {
    CompletableFuture<R> result = new CompletableFuture<>();
    attempt(op, attempt, 1, result);
    return result;
  }

  private <R> void attempt(Operation op, Supplier<CompletableFuture<R>> attempt, int n, CompletableFuture<R> result) {
    attempt.get().whenComplete((value, e) -> {
      if (e == null) {
        result.complete(value);
        return;
      }
      Throwable cause = Futures.unwrap(e);
      if (n >= retry.maxAttempts() || !retryable(cause)) {
        result.completeExceptionally(cause);
        return;
      }
      Duration delay = retry.delayAfter(n, random);
      log.info("provisioning {}: {} try {} failed ({}); trying again in {} ms", mqtt.clientId(), op.apiName(), n,
          cause.getMessage(), delay.toMillis());
      try {
        executor.schedule(() -> attempt(op, attempt, n + 1, result), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        result.completeExceptionally(new MqttClosedException("the provisioner was closed while waiting to retry"));
      }
    });
  }

  private static boolean retryable(Throwable e) {
    if (e instanceof ProvisioningRejectedException r) {
      return r.error().isThrottling() || r.error().isServerError();
    }
    return e instanceof MqttTimeoutException || e instanceof MqttNotConnectedException;
  }

  /** Stops the provisioner's thread; a provisioning in progress fails with a closed error at its next step. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The create step's request, prepared once for all its tries (a key is made only once). */
  private static final class Request {
    final Operation operation;
    final PKCS10CertificationRequest csr;
    final String csrPem;
    final String privateKeyPem;

    private Request(Operation operation, PKCS10CertificationRequest csr, String csrPem, String privateKeyPem) {
      this.operation = operation;
      this.csr = csr;
      this.csrPem = csrPem;
      this.privateKeyPem = privateKeyPem;
    }

    static Request prepare(CertificateSource source, String clientId) {
      if (source instanceof CertificateSource.GeneratedKey g) {
        KeyPair keys = g.algorithm().generate();
        PKCS10CertificationRequest csr = Pki.newCsr(keys, new X500Name("CN=" + clientId.replaceAll("[,+=\"\\\\<>;#]", "_")));
        return new Request(Operation.CREATE_CERTIFICATE_FROM_CSR, csr, Pki.csrPem(csr), Pki.privateKeyPem(keys));
      }
      if (source instanceof CertificateSource.OwnCsr own) {
        return new Request(Operation.CREATE_CERTIFICATE_FROM_CSR, Pki.readCsr(own.csrPem()), own.csrPem(), null);
      }
      return new Request(Operation.CREATE_KEYS_AND_CERTIFICATE, null, null, null);
    }
  }

  /** Builds a {@link FleetProvisioner}. */
  public static final class Builder {
    private final MqttClient mqtt;
    private final String templateName;
    private PayloadFormat format = PayloadFormat.JSON;
    private CertificateSource source = CertificateSource.cloudKeys();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private CredentialStore store = CredentialStore.none();
    private Duration stepTimeout = Duration.ofSeconds(10);
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Builder(MqttClient mqtt, String templateName) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
      this.templateName = templateName;
    }

    /** JSON (default) or CBOR, for every request and reply. */
    public Builder format(PayloadFormat value) {
      this.format = Objects.requireNonNull(value, "format");
      return this;
    }

    /** Where the certificate comes from (default: {@link CertificateSource#cloudKeys()}). */
    public Builder certificateSource(CertificateSource value) {
      this.source = Objects.requireNonNull(value, "certificateSource");
      return this;
    }

    /** Adds a template parameter (RegisterThing's {@code parameters} are a flat map of strings). */
    public Builder parameter(String name, String value) {
      parameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds template parameters. */
    public Builder parameters(Map<String, String> values) {
      values.forEach(this::parameter);
      return this;
    }

    /** Where the credentials are kept, before RegisterThing (default: nowhere; take them from the result). */
    public Builder credentialStore(CredentialStore value) {
      this.store = Objects.requireNonNull(value, "credentialStore");
      return this;
    }

    /** How long each try of each step waits for its reply (default 10 s). */
    public Builder stepTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("step timeout must be positive: " + value);
      }
      this.stepTimeout = value;
      return this;
    }

    /** Retries after throttling, server errors and timeouts (default {@link RetryPolicy#DEFAULT}). */
    public Builder retryPolicy(RetryPolicy value) {
      this.retry = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    public FleetProvisioner build() {
      return new FleetProvisioner(this);
    }
  }
}
