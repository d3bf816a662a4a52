package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.provisioning.ProvisioningWire.Request;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-facing half of the twin's fleet provisioning: CreateKeysAndCertificate, CreateCertificateFromCsr
 * and RegisterThing, answered in the request's format with AWS's error shapes.
 *
 * <p>Work that takes time never runs under the twin's lock: making an RSA key and calling a pre-provisioning
 * hook happen on {@code work}; their result is then applied and answered under the lock through {@code
 * exclusive}, the state checked again there (a token may have expired meanwhile).
 */
final class DeviceRequests {
  /** Runs an operation under the twin's lock, saving the state afterwards. */
  @FunctionalInterface
  public interface Exclusive {
    void run(Function<TwinOutbox, Boolean> operation);
  }

  private static final Logger log = LoggerFactory.getLogger(DeviceRequests.class);

  private final ProvisioningStore store;
  private final Issuer issuer;
  private final Registrar registrar;
  private final ProvisioningSettings settings;
  private final Function<String, PreProvisioningHook> hooks;
  private final Executor work;
  private final Exclusive exclusive;
  private final Supplier<Instant> clock;
  private long windowSecond = Long.MIN_VALUE;
  private int windowCount;

  public DeviceRequests(ProvisioningStore store, Issuer issuer, Registrar registrar, ProvisioningSettings settings,
      Function<String, PreProvisioningHook> hooks, Executor work, Exclusive exclusive, Supplier<Instant> clock) {
    this.store = store;
    this.issuer = issuer;
    this.registrar = registrar;
    this.settings = settings;
    this.hooks = hooks;
    this.work = work;
    this.exclusive = exclusive;
    this.clock = clock;
  }

  /** Handles one request; returns whether the state changed. Runs under the twin's lock. */
  public boolean handle(MqttMessage message, TwinOutbox out) {
    Optional<Request> parsed = ProvisioningWire.parse(message.topic());
    if (parsed.isEmpty()) {
      return false;
    }
    Request request = parsed.get();
    if (throttled()) {
      out.publish(ProvisioningWire.rejected(request, message, 429, "ThrottlingException", "Rate exceeded"));
      return false;
    }
    ObjectNode body;
    try {
      body = ProvisioningWire.body(request, message.payload());
    } catch (IllegalArgumentException e) {
      out.publish(ProvisioningWire.rejected(request, message, 400, "InvalidPayload", e.getMessage()));
      return false;
    }
    return switch (request.operation()) {
      case CREATE_KEYS_AND_CERTIFICATE -> createKeys(request, message, out);
      case CREATE_CERTIFICATE_FROM_CSR -> createFromCsr(request, message, body, out);
      case REGISTER_THING -> register(request, message, body, out);
    };
  }

  /** The answer to a request whose changes the twin could not save: 500 InternalFailure, in its format. */
  public static void answerInternalFailure(MqttMessage message, TwinOutbox out) {
    ProvisioningWire.parse(message.topic()).ifPresent(r -> out.publish(ProvisioningWire.rejected(r, message, 500,
        "InternalFailure", "The change could not be saved; try again")));
  }

  private boolean throttled() {
    if (settings.maxRequestsPerSecond() == 0) {
      return false;
    }
    long second = clock.get().getEpochSecond();
    if (second != windowSecond) {
      windowSecond = second;
      windowCount = 0;
    }
    return ++windowCount > settings.maxRequestsPerSecond();
  }

  private boolean createKeys(Request request, MqttMessage message, TwinOutbox out) {
    try {
      work.execute(() -> {
        KeyPair keys;
        X509Certificate cert;
        try {
          keys = issuer.newKeys();
          cert = issuer.sign(keys.getPublic());
        } catch (RuntimeException e) {
          log.warn("twin provisioning: could not make keys: {}", e.toString());
          exclusive.run(o -> {
            o.publish(ProvisioningWire.rejected(request, message, 500, "InternalFailure", "could not make keys"));
            return false;
          });
          return;
        }
        exclusive.run(o -> {
          o.publish(ProvisioningWire.accepted(request, message, issued(request, cert, Pki.privateKeyPem(keys))));
          return true;
        });
      });
    } catch (RejectedExecutionException stopped) {
      out.publish(ProvisioningWire.rejected(request, message, 503, "ServiceUnavailable", "the twin is stopping"));
    }
    return false;
  }

  private boolean createFromCsr(Request request, MqttMessage message, ObjectNode body, TwinOutbox out) {
    JsonNode csrText = body.get("certificateSigningRequest");
    if (csrText == null || !csrText.isTextual() || csrText.asText().isEmpty()) {
      out.publish(ProvisioningWire.rejected(request, message, 400, "InvalidPayload",
          "certificateSigningRequest is required"));
      return false;
    }
    X509Certificate cert;
    try {
      cert = issuer.sign(Pki.publicKey(Pki.readCsr(csrText.asText())));
    } catch (IllegalArgumentException e) {
      out.publish(ProvisioningWire.rejected(request, message, 400, "InvalidPayload",
          "certificateSigningRequest is not a valid CSR: " + e.getMessage()));
      return false;
    }
    out.publish(ProvisioningWire.accepted(request, message, issued(request, cert, null)));
    return true;
  }

  /** Records a new certificate with its token; the accepted reply of a create. */
  private ObjectNode issued(Request request, X509Certificate cert, String privateKeyPem) {
    Instant now = clock.get();
    TwinCertificate c = issuer.record(cert, CertificateStatus.PENDING_ACTIVATION, now);
    String token = issuer.newToken(c.certificateId(), now);
    ObjectNode reply = ProvisioningWire.object(request).put("certificateId", c.certificateId())
        .put("certificatePem", c.certificatePem());
    if (privateKeyPem != null) {
      reply.put("privateKey", privateKeyPem);
    }
    log.info("twin provisioning: issued certificate {} (PENDING_ACTIVATION)", c.certificateId());
    return reply.put("certificateOwnershipToken", token);
  }

  private boolean register(Request request, MqttMessage message, ObjectNode body, TwinOutbox out) {
    JsonNode tokenNode = body.get("certificateOwnershipToken");
    String token = tokenNode == null || !tokenNode.isTextual() ? "" : tokenNode.asText();
    Map<String, String> parameters = new LinkedHashMap<>();
    JsonNode p = body.get("parameters");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        out.publish(ProvisioningWire.rejected(request, message, 400, "InvalidPayload", "parameters must be a map of strings"));
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          out.publish(ProvisioningWire.rejected(request, message, 400, "InvalidPayload",
              "parameter " + e.getKey() + " must be a string"));
          return false;
        }
        parameters.put(e.getKey(), e.getValue().asText());
      }
    }
    Verdict v = pending(request, message, token, out);
    if (v == null) {
      return false;
    }
    if (v.template.hook() == null) {
      return complete(request, message, token, parameters, out);
    }
    ObjectNode input = ProvisioningJson.MAPPER.createObjectNode().put("certificateId", v.certificate.certificateId())
        .put("certificatePem", v.certificate.certificatePem()).put("templateArn", v.template.templateArn());
    ObjectNode inputParams = input.putObject("parameters");
    parameters.forEach(inputParams::put);
    String target = v.template.hook().targetArn();
    try {
      work.execute(() -> {
        PreProvisioningHook.Decision d = callHook(target, input);
        exclusive.run(o -> {
          if (!d.allowProvisioning()) {
            o.publish(ProvisioningWire.rejected(request, message, 403, "AccessDenied",
                "The pre-provisioning hook of template " + request.templateName() + " denied provisioning"));
            return false;
          }
          Map<String, String> merged = new LinkedHashMap<>(parameters);
          merged.putAll(d.parameterOverrides());
          return complete(request, message, token, merged, o);
        });
      });
    } catch (RejectedExecutionException stopped) {
      out.publish(ProvisioningWire.rejected(request, message, 503, "ServiceUnavailable", "the twin is stopping"));
    }
    return false;
  }

  private PreProvisioningHook.Decision callHook(String target, JsonNode input) {
    long start = System.nanoTime();
    try {
      PreProvisioningHook.Decision d = hooks.apply(target).decide(input, settings.hookTimeout());
      if (System.nanoTime() - start > settings.hookTimeout().toNanos()) {
        log.info("twin provisioning: hook {} answered after {} ms; denied", target, (System.nanoTime() - start) / 1_000_000);
        return new PreProvisioningHook.Decision(false, Map.of());
      }
      return d;
    } catch (Exception e) {
      log.info("twin provisioning: hook {} failed ({}); denied", target, e.getMessage());
      return new PreProvisioningHook.Decision(false, Map.of());
    }
  }

  /** Evaluates the template and creates the resources; runs under the lock, after the hook if any. */
  private boolean complete(Request request, MqttMessage message, String token, Map<String, String> parameters,
      TwinOutbox out) {
    Verdict v = pending(request, message, token, out);
    if (v == null) {
      return false;
    }
    try {
      ProvisioningPlan plan = TemplateEngine.evaluate(TemplateEngine.validate(v.template.templateBody()), parameters,
          v.certificate.certificateId());
      String thing = registrar.apply(plan, v.certificate, clock.get(), out);
      ObjectNode config = ProvisioningJson.MAPPER.createObjectNode();
      plan.deviceConfiguration().forEach(config::set);
      OwnershipToken used = v.token.registered(thing, config);
      store.putToken(used);
      log.info("twin provisioning: registered thing {} with certificate {}", thing, v.certificate.certificateId());
      out.publish(ProvisioningWire.accepted(request, message, registeredReply(request, used)));
      return true;
    } catch (TemplateException e) {
      out.publish(ProvisioningWire.rejected(request, message, e.statusCode(), e.errorCode(), e.getMessage()));
      return false;
    }
  }

  private static ObjectNode registeredReply(Request request, OwnershipToken token) {
    ObjectNode reply = ProvisioningWire.object(request);
    ObjectNode config = reply.putObject("deviceConfiguration");
    if (token.deviceConfiguration() != null) {
      token.deviceConfiguration().fields().forEachRemaining(e -> config.set(e.getKey(), e.getValue()));
    }
    return reply.put("thingName", token.thingName());
  }

  /**
   * The token's and template's verdict when the request still needs work; null once the verdict settled it and
   * was answered (an error, or a token already registered, which gets the earlier answer again).
   */
  private Verdict pending(Request request, MqttMessage message, String token, TwinOutbox out) {
    Verdict v = check(request, token);
    if (v.error != null) {
      out.publish(ProvisioningWire.rejected(request, message, v.error.statusCode(), v.error.errorCode(),
          v.error.getMessage()));
      return null;
    }
    if (v.token.thingName() != null) {
      out.publish(ProvisioningWire.accepted(request, message, registeredReply(request, v.token)));
      return null;
    }
    return v;
  }

  private Verdict check(Request request, String token) {
    if (token.isEmpty()) {
      return Verdict.error(400, "InvalidCertificateOwnershipToken", "Certificate ownership token cannot be empty.");
    }
    OwnershipToken t = store.token(OwnershipToken.hash(token)).orElse(null);
    if (t == null) {
      return Verdict.error(400, "InvalidCertificateOwnershipToken", "Certificate ownership token is invalid.");
    }
    if (t.expiredAt(clock.get())) {
      return Verdict.error(400, "InvalidCertificateOwnershipToken", "Certificate ownership token has expired.");
    }
    TwinCertificate c = store.certificate(t.certificateId()).orElse(null);
    if (c == null) {
      return Verdict.error(400, "InvalidCertificateOwnershipToken", "The certificate of this token no longer exists.");
    }
    ProvisioningTemplate template = store.template(request.templateName()).orElse(null);
    if (template == null) {
      return Verdict.error(404, "ResourceNotFoundException", "Template " + request.templateName() + " does not exist.");
    }
    if (!template.enabled()) {
      return Verdict.error(400, "InvalidRequestException", "Template " + request.templateName() + " is disabled.");
    }
    return new Verdict(t, c, template, null);
  }

  private record Verdict(OwnershipToken token, TwinCertificate certificate, ProvisioningTemplate template,
      TemplateException error) {
    static Verdict error(int status, String code, String message) {
      return new Verdict(null, null, null, new TemplateException(status, code, message));
    }
  }
}
