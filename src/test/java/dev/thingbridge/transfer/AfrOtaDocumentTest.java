package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OTA-T4 and the document rules: every signature key, fileType, URLs, several files, leniency and refusals. */
class AfrOtaDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void the_rustot_document_with_nulls_and_an_unknown_key_decodes() {
    AfrOtaDocument d = AfrOtaDocument.parseJobDocument("{\"afr_ota\":{\"protocols\":[\"MQTT\"],"
        + "\"streamname\":\"AFR_OTA-1234\",\"files\":[{\"filepath\":\"fw.bin\",\"filesize\":100000,\"fileid\":0,"
        + "\"certfile\":null,\"fileType\":0,\"update_data_url\":null,\"auth_scheme\":null,\"sig--\":null}]}}");
    assertThat(d.protocols()).containsExactly(OtaProtocol.MQTT);
    assertThat(d.streamName()).contains("AFR_OTA-1234");
    OtaFile f = d.files().get(0);
    assertThat(f.filepath()).isEqualTo("fw.bin");
    assertThat(f.size()).isEqualTo(100_000);
    assertThat(f.fileType()).isZero();
    assertThat(f.certfile()).isNull();
    assertThat(f.updateDataUrl()).isNull();
    assertThat(f.signature()).isEmpty();
  }

  @Test
  void every_signature_key_is_read_and_the_strongest_is_checked() throws Exception {
    AfrOtaDocument d = AfrOtaDocument.parse(JSON.readTree("{\"protocols\":[\"HTTP\",\"MQTT\"],\"streamname\":\"s\","
        + "\"files\":[{\"filepath\":\"a\",\"filesize\":\"1024\",\"fileid\":\"3\",\"sig-sha1-rsa\":\"AQ==\","
        + "\"sig-sha256-rsa\":\"Ag==\",\"sig-sha1-ecdsa\":\"Aw==\",\"sig-sha256-ecdsa\":\"BA==\","
        + "\"update_data_url\":\"https://bucket.s3.amazonaws.com/a?X-Amz-Signature=secret\","
        + "\"auth_scheme\":\"aws.s3.presigned\",\"attr\":7,\"fileType\":9}]}"));
    assertThat(d.protocols()).containsExactly(OtaProtocol.HTTP, OtaProtocol.MQTT);
    OtaFile f = d.files().get(0);
    assertThat(f.signatures()).hasSize(4);
    assertThat(f.signature().orElseThrow().algorithm()).isEqualTo(SignatureAlgorithm.SHA256_ECDSA);
    assertThat(f.signature(SignatureAlgorithm.SHA1_RSA).orElseThrow().bytes()).containsExactly(1);
    assertThat(f.size()).isEqualTo(1024);
    assertThat(f.fileId()).isEqualTo(3);
    assertThat(f.fileType()).isEqualTo(9);
    assertThat(f.attributes()).isEqualTo(7);
    assertThat(f.authScheme()).isEqualTo("aws.s3.presigned");
    assertThat(f.toString()).doesNotContain("secret").doesNotContain("s3.amazonaws");
  }

  @Test
  void several_files_keep_their_order_and_index() {
    AfrOtaDocument d = AfrOtaDocument.parseJobDocument("{\"afr_ota\":{\"protocols\":[\"MQTT\"],\"streamname\":\"s\","
        + "\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"fileid\":0},{\"filepath\":\"b\",\"filesize\":2,\"fileid\":1}]}}");
    assertThat(d.files()).extracting(OtaFile::filepath).containsExactly("a", "b");
    assertThat(d.files().get(1).index()).isEqualTo(1);
    assertThat(d.files().get(1).fileType()).isNull();
  }

  @Test
  void a_document_without_afr_ota_is_not_an_ota_job() throws Exception {
    assertThat(AfrOtaDocument.fromJobDocument(JSON.readTree("{\"operation\":\"reboot\"}"))).isEmpty();
    assertThat(OtaDocumentAdapter.AFR_OTA.read(JSON.readTree("{\"afr_ota\":{\"protocols\":[\"HTTP\"],"
        + "\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"update_data_url\":\"http://x\"}]}}"))).isPresent();
  }

  @Test
  void malformed_documents_are_refused_with_the_field_named() {
    String[][] cases = {
        {"{\"protocols\":[\"FTP\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":1}]}", "protocols"},
        {"{\"protocols\":[\"MQTT\"],\"files\":[{\"filepath\":\"a\",\"filesize\":1}]}", "streamname"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[]}", "files is empty"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":0}]}", "filesize is 0"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\"}]}", "filesize is missing"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":-4}]}", "filesize"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":1.5}]}", "filesize"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"fileid\":256}]}", "fileid"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filesize\":1}]}", "filepath"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":7,\"filesize\":1}]}", "filepath"},
        {"{\"protocols\":[\"MQTT\"],\"streamname\":\"s\",\"files\":[{\"filepath\":\"a\",\"filesize\":1,\"sha256\":\"zz\"}]}", "sha256"},
        {"{\"protocols\":7,\"streamname\":\"s\",\"files\":[]}", "protocols"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> AfrOtaDocument.parse(JSON.readTree(c[0]))).as(c[0])
          .isInstanceOf(OtaDocumentException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void protocol_names_are_case_insensitive_and_deduplicated() {
    AfrOtaDocument d = new AfrOtaDocument(Set.of(OtaProtocol.HTTP), null,
        java.util.List.of(new OtaFile(0, "a", 1, 0, null, "http://x", null, null, null, null, null)));
    assertThat(d.streamName()).isEmpty();
    assertThat(OtaProtocol.fromWire("mqtt")).contains(OtaProtocol.MQTT);
    assertThat(OtaProtocol.fromWire(" Http ")).contains(OtaProtocol.HTTP);
  }
}
