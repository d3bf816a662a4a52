package dev.thingbridge.twin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates, certificates with their states, ownership tokens, provisioned things and Defender reports live
 * in the twin's database and survive a restart with a state directory; the CA stays the same.
 */
class ProvisioningPersistenceTest {
  @TempDir Path dir;

  private ProvisioningTwinRig rig() throws Exception {
    return new ProvisioningTwinRig(ProvisioningSettings.DEFAULTS.withRsaKeys(false), PreProvisioningHook::forTarget,
        dir, CertificateAuthority.inDirectory(dir, Clock.systemUTC()));
  }

  private static String register(String token, String serial) {
    return "{\"certificateOwnershipToken\":\"" + token + "\",\"parameters\":{\"Serial\":\"" + serial + "\"}}";
  }

  @Test
  void everything_provisioning_and_defender_learn_survives_a_restart() throws Exception {
    String pendingToken;
    String registeredId;
    String pendingId;
    String caPem;
    try (ProvisioningTwinRig rig = rig()) {
      caPem = rig.ca.certificatePem();
      rig.createTemplate("FleetTpl");
      JsonNode first = rig.createKeys();
      registeredId = first.get("certificateId").asText();
      MqttMessage ok = rig.request("$aws/provisioning-templates/FleetTpl/provision/json",
          register(first.get("certificateOwnershipToken").asText(), "A1"));
      assertThat(ok.topic()).endsWith("/accepted");
      JsonNode second = rig.createKeys();
      pendingToken = second.get("certificateOwnershipToken").asText();
      pendingId = second.get("certificateId").asText();
      rig.provisioning.updateCertificate(rig.provisioning.createKeysAndCertificate(true).certificate().certificateId(),
          CertificateStatus.REVOKED);
      MqttMessage report = rig.request("$aws/things/Device-A1/defender/metrics/json",
          "{\"hed\":{\"rid\":7,\"v\":\"1.0\"},\"cmet\":{\"temp\":[{\"number\":21}]}}");
      assertThat(report.topic()).endsWith("/accepted");
    }
    try (ProvisioningTwinRig rig = rig()) {
      assertThat(rig.ca.certificatePem()).isEqualTo(caPem);
      assertThat(rig.provisioning.describeProvisioningTemplate("FleetTpl").templateBody())
          .isEqualTo(ProvisioningTwinRig.template());
      assertThat(rig.provisioning.listCertificates()).extracting(TwinCertificate::status)
          .containsExactly(CertificateStatus.ACTIVE, CertificateStatus.PENDING_ACTIVATION, CertificateStatus.REVOKED);
      assertThat(rig.provisioning.describeCertificate(registeredId).thingName()).isEqualTo("Device-A1");
      assertThat(rig.things.describeThing("Device-A1").attributes()).containsEntry("serial", "A1");
      assertThat(rig.defender.reports("Device-A1")).extracting(r -> r.reportId()).containsExactly(7L);
      // The token issued before the restart still registers its device, and a reused report id is still refused.
      MqttMessage late = rig.request("$aws/provisioning-templates/FleetTpl/provision/cbor",
          PayloadFormat.CBOR.write(PayloadFormat.JSON.readTree(register(pendingToken, "B2").getBytes())));
      assertThat(late.topic()).endsWith("/accepted");
      assertThat(rig.provisioning.describeCertificate(pendingId).status()).isEqualTo(CertificateStatus.ACTIVE);
      assertThat(rig.request("$aws/things/Device-A1/defender/metrics/json",
          "{\"hed\":{\"rid\":7,\"v\":\"1.0\"},\"cmet\":{\"temp\":[{\"number\":21}]}}").topic()).endsWith("/rejected");
    }
    assertThat(tokensInDatabase()).isNotEmpty().doesNotContain(pendingToken);
  }

  @Test
  void override_settings_merge_and_replace_an_existing_things_attributes_durably() throws Exception {
    String merge = ProvisioningTwinRig.template().replace("\"Properties\":{\"ThingName\":",
        "\"OverrideSettings\":{\"AttributePayload\":\"MERGE\"},\"Properties\":{\"ThingName\":");
    try (ProvisioningTwinRig rig = rig()) {
      rig.things.createThing("Device-C3", null, java.util.Map.of("site", "berlin"));
      rig.provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest("Merge", merge, true, null,
          null, null));
      String token = rig.createKeys().get("certificateOwnershipToken").asText();
      assertThat(rig.request("$aws/provisioning-templates/Merge/provision/json", register(token, "C3")).topic())
          .endsWith("/accepted");
      String plain = rig.createKeys().get("certificateOwnershipToken").asText();
      rig.createTemplate("Keep");
      rig.things.createThing("Device-D4", null, java.util.Map.of("site", "paris"));
      assertThat(rig.request("$aws/provisioning-templates/Keep/provision/json", register(plain, "D4")).topic())
          .endsWith("/accepted");
    }
    try (ProvisioningTwinRig rig = rig()) {
      assertThat(rig.things.describeThing("Device-C3").attributes()).containsEntry("site", "berlin")
          .containsEntry("serial", "C3");
      assertThat(rig.things.describeThing("Device-C3").version()).isEqualTo(2);
      assertThat(rig.things.describeThing("Device-D4").attributes()).containsOnlyKeys("site"); // DO_NOTHING
    }
  }

  private List<String> tokensInDatabase() throws Exception {
    List<String> out = new ArrayList<>();
    Path db = dir.resolve("twin.db");
    assertThat(Files.exists(db)).isTrue();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT token_hash, document FROM ownership_tokens")) {
      while (rs.next()) {
        out.add(rs.getString(1));
        out.add(rs.getString(2));
      }
    }
    return out;
  }
}
