package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.Pki;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.provisioning.ProvisioningTopics.Parsed;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cloud for device-side provisioning tests: it records every request and answers each with what the test's
 * script returns (echoing the request's correlation data, as the twin does), or stays silent for null.
 */
final class ScriptedProvisioningCloud implements AutoCloseable {
  /** A request as the cloud saw it. */
  record Request(Parsed topic, MqttMessage message, long receivedNanos) {}

  /** A reply: the topic suffix ("accepted"/"rejected") and its payload tree. */
  record Reply(String kind, JsonNode body) {}

  private static final KeyPair CA = Pki.newEcP256();

  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final MqttClient cloud;
  private volatile Function<Request, List<Reply>> script = r -> List.of();

  ScriptedProvisioningCloud(MqttClient cloud) throws Exception {
    this.cloud = cloud;
    cloud.subscribe(List.of(SubscriptionFilter.of("$aws/certificates/+/+", QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of("$aws/provisioning-templates/+/provision/+", QoS.AT_LEAST_ONCE)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage m) {
            ProvisioningTopics.parse(m.topic()).ifPresent(p -> {
              Request r = new Request(p, m, System.nanoTime());
              requests.add(r);
              for (Reply reply : script.apply(r)) {
                MessageProperties props = m.properties().correlationData()
                    .map(c -> MessageProperties.builder().correlationData(c).build()).orElse(MessageProperties.NONE);
                cloud.publish(new MqttMessage(m.topic() + "/" + reply.kind(), p.format().write(reply.body()),
                    QoS.AT_LEAST_ONCE, false, props));
              }
            });
          }
        }).get(5, TimeUnit.SECONDS);
  }

  void script(Function<Request, List<Reply>> value) {
    this.script = value;
  }

  Request next() throws InterruptedException {
    Request r = requests.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no provisioning request arrived");
    }
    return r;
  }

  static ObjectNode object(PayloadFormat f) {
    return f.mapper().createObjectNode();
  }

  static Reply accepted(JsonNode body) {
    return new Reply("accepted", body);
  }

  static Reply rejected(PayloadFormat f, int status, String code, String message) {
    return new Reply("rejected", object(f).put("statusCode", status).put("errorCode", code).put("errorMessage", message));
  }

  /** A certificate for {@code key}, signed by a throw-away CA. */
  static String certificateFor(PublicKey key) {
    try {
      Instant now = Instant.now();
      X509Certificate c = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
          new X500Name("CN=scripted CA"), BigInteger.valueOf(now.toEpochMilli()), Date.from(now),
          Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=device"), key)
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(CA.getPrivate())));
      return Pki.certificatePem(c);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An accepted create reply for {@code key}, with a private key when {@code privateKeyPem} is given. */
  static Reply issued(PayloadFormat f, PublicKey key, String privateKeyPem, String token) {
    ObjectNode n = object(f).put("certificateId", "cert-" + Integer.toHexString(key.hashCode()))
        .put("certificatePem", certificateFor(key));
    if (privateKeyPem != null) {
      n.put("privateKey", privateKeyPem);
    }
    return accepted(n.put("certificateOwnershipToken", token));
  }

  @Override
  public void close() {
    cloud.close();
  }
}
