package dev.thingbridge.twin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.internal.Pki;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iot.IotClient;
import dev.thingbridge.testing.AwsSdkClients;
import software.amazon.awssdk.services.iot.model.CertificateDescription;
import software.amazon.awssdk.services.iot.model.CertificateStatus;
import software.amazon.awssdk.services.iot.model.CreateKeysAndCertificateResponse;
import software.amazon.awssdk.services.iot.model.DescribeProvisioningTemplateResponse;
import software.amazon.awssdk.services.iot.model.InvalidRequestException;
import software.amazon.awssdk.services.iot.model.ListCertificatesResponse;
import software.amazon.awssdk.services.iot.model.ProvisioningTemplateSummary;
import software.amazon.awssdk.services.iot.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;

/** The provisioning control plane driven by the AWS SDK v2 IotClient over HTTP: the SDK checks our shapes. */
class ProvisioningControlPlaneSdkTest {
  private ProvisioningTwinRig rig;
  private ControlPlaneServer http;
  private IotClient iot;

  @BeforeEach
  void start() throws Exception {
    rig = new ProvisioningTwinRig();
    http = ControlPlaneServer.startOnLoopback(0, rig.twin.routes());
    iot = AwsSdkClients.iot(http.endpoint());
  }

  @AfterEach
  void stop() {
    iot.close();
    http.close();
    rig.close();
  }

  @Test
  void templates_are_created_described_listed_in_pages_and_deleted() {
    var created = iot.createProvisioningTemplate(b -> b.templateName("FleetTpl").templateBody(ProvisioningTwinRig.template())
        .enabled(true).description("the fleet").provisioningRoleArn("arn:aws:iam::123456789012:role/prov")
        .preProvisioningHook(h -> h.targetArn("https://127.0.0.1:9/hook").payloadVersion("2020-04-01")));
    assertThat(created.templateArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:provisioningtemplate/FleetTpl");
    assertThat(created.defaultVersionId()).isEqualTo(1);
    DescribeProvisioningTemplateResponse d = iot.describeProvisioningTemplate(b -> b.templateName("FleetTpl"));
    assertThat(d.templateBody()).isEqualTo(ProvisioningTwinRig.template());
    assertThat(d.enabled()).isTrue();
    assertThat(d.description()).isEqualTo("the fleet");
    assertThat(d.preProvisioningHook().targetArn()).isEqualTo("https://127.0.0.1:9/hook");
    assertThat(d.creationDate()).isEqualTo(ProvisioningTwinRig.START);
    assertThat(d.typeAsString()).isEqualTo("FLEET_PROVISIONING");
    for (int i = 0; i < 4; i++) {
      String n = "T" + i;
      iot.createProvisioningTemplate(b -> b.templateName(n).templateBody(ProvisioningTwinRig.template()));
    }
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      var page = iot.listProvisioningTemplates(b -> b.maxResults(2).nextToken(t));
      page.templates().stream().map(ProvisioningTemplateSummary::templateName).forEach(names::add);
      token = page.nextToken();
    } while (token != null);
    assertThat(names).containsExactly("FleetTpl", "T0", "T1", "T2", "T3");
    assertThatThrownBy(() -> iot.createProvisioningTemplate(b -> b.templateName("T0").templateBody(ProvisioningTwinRig.template())))
        .isInstanceOf(ResourceAlreadyExistsException.class);
    assertThatThrownBy(() -> iot.createProvisioningTemplate(b -> b.templateName("Bad").templateBody("{\"Resources\":{}}")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Resources");
    iot.deleteProvisioningTemplate(b -> b.templateName("T0"));
    assertThatThrownBy(() -> iot.describeProvisioningTemplate(b -> b.templateName("T0")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void certificates_are_made_described_listed_and_updated() throws Exception {
    CreateKeysAndCertificateResponse claim = iot.createKeysAndCertificate(b -> b.setAsActive(true));
    assertThat(claim.certificateId()).matches("[0-9a-f]{64}");
    assertThat(Pki.readPrivateKey(claim.keyPair().privateKey())).isNotNull();
    Pki.readCertificate(claim.certificatePem()).verify(rig.ca.certificate().getPublicKey());
    KeyPair keys = Pki.newEcP256();
    var fromCsr = iot.createCertificateFromCsr(b -> b.certificateSigningRequest(
        Pki.csrPem(Pki.newCsr(keys, new X500Name("CN=gw")))).setAsActive(false));
    CertificateDescription d = iot.describeCertificate(b -> b.certificateId(fromCsr.certificateId())).certificateDescription();
    assertThat(d.status()).isEqualTo(CertificateStatus.INACTIVE);
    assertThat(d.certificateArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:cert/" + fromCsr.certificateId());
    assertThat(d.ownedBy()).isEqualTo("123456789012");
    assertThat(d.validity().notAfter()).isAfter(d.validity().notBefore());
    iot.updateCertificate(b -> b.certificateId(fromCsr.certificateId()).newStatus(CertificateStatus.ACTIVE));
    assertThat(iot.describeCertificate(b -> b.certificateId(fromCsr.certificateId())).certificateDescription().status())
        .isEqualTo(CertificateStatus.ACTIVE);
    ListCertificatesResponse list = iot.listCertificates(b -> b.pageSize(1).ascendingOrder(true));
    assertThat(list.certificates()).hasSize(1);
    assertThat(list.certificates().get(0).certificateId()).isEqualTo(claim.certificateId());
    assertThat(iot.listCertificates(b -> b.pageSize(1).ascendingOrder(true).marker(list.nextMarker())).certificates()
        .get(0).certificateId()).isEqualTo(fromCsr.certificateId());
    assertThatThrownBy(() -> iot.describeCertificate(b -> b.certificateId("0".repeat(64))))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.createCertificateFromCsr(b -> b.certificateSigningRequest("junk")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void things_made_by_provisioning_are_visible_with_their_principal() throws Exception {
    rig.createTemplate("FleetTpl");
    String token = rig.createKeys().get("certificateOwnershipToken").asText();
    rig.request("$aws/provisioning-templates/FleetTpl/provision/json",
        "{\"certificateOwnershipToken\":\"" + token + "\",\"parameters\":{\"Serial\":\"42\"}}");
    assertThat(iot.describeThing(b -> b.thingName("Device-42")).attributes()).containsEntry("serial", "42");
    List<String> principals = iot.listThingPrincipals(b -> b.thingName("Device-42")).principals();
    assertThat(principals).hasSize(1);
    String id = principals.get(0).substring(principals.get(0).lastIndexOf('/') + 1);
    assertThat(iot.describeCertificate(b -> b.certificateId(id)).certificateDescription().status())
        .isEqualTo(CertificateStatus.ACTIVE);
  }

  @Test
  void a_trusted_user_gets_a_claim_valid_for_five_minutes() throws Exception {
    rig.createTemplate("FleetTpl");
    var claim = iot.createProvisioningClaim(b -> b.templateName("FleetTpl"));
    var cert = Pki.readCertificate(claim.certificatePem());
    cert.verify(rig.ca.certificate().getPublicKey());
    assertThat(claim.certificateId()).isEqualTo(Pki.certificateId(cert));
    assertThat(claim.keyPair().publicKey()).isEqualTo(Pki.publicKeyPem(cert.getPublicKey()));
    assertThat(Pki.readPrivateKey(claim.keyPair().privateKey())).isNotNull();
    assertThat(claim.expiration()).isEqualTo(cert.getNotAfter().toInstant());
    assertThat(java.time.Duration.between(java.time.Instant.now(), claim.expiration()))
        .isBetween(java.time.Duration.ofMinutes(4), java.time.Duration.ofMinutes(5));
    assertThat(iot.describeCertificate(b -> b.certificateId(claim.certificateId())).certificateDescription().status())
        .isEqualTo(CertificateStatus.ACTIVE);
    assertThatThrownBy(() -> iot.createProvisioningClaim(b -> b.templateName("Nope")))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
