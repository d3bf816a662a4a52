package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.transfer.OtaDocument;
import dev.thingbridge.transfer.OtaDocumentException;
import dev.thingbridge.transfer.OtaFile;
import dev.thingbridge.transfer.OtaProtocol;
import dev.thingbridge.transfer.SignatureAlgorithm;
import dev.thingbridge.transfer.SignatureVerifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code flash} job document: what it reads, and the first problem of each malformed one, named. */
class FlashJobDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "ab".repeat(32);

  private static JsonNode doc(String image) throws Exception {
    return JSON.readTree("{\"operation\":\"flash\",\"image\":" + image.replace('\'', '"') + "}");
  }

  @Test
  void a_url_image_is_an_http_download_named_by_its_path_without_the_query() throws Exception {
    FlashJobDocument d = FlashJobDocument.fromJobDocument(doc("{'url':'https://h.example/fw/app.bin?X-Sig=secret',"
        + "'size':1000,'sha256':'" + SHA.toUpperCase() + "','signature':{'algorithm':'sig-sha256-ecdsa','value':'AQID'}}"))
        .orElseThrow();
    assertThat(d.protocols()).containsExactly(OtaProtocol.HTTP);
    OtaFile f = d.image();
    assertThat(f.filepath()).isEqualTo("app.bin");
    assertThat(f.updateDataUrl()).endsWith("X-Sig=secret");
    assertThat(f.size()).isEqualTo(1000);
    assertThat(f.sha256()).isEqualTo(SHA);
    assertThat(f.fileType()).isEqualTo(OtaFile.FIRMWARE);
    assertThat(f.signature(SignatureAlgorithm.SHA256_ECDSA)).isPresent();
    assertThat(d.toString()).doesNotContain("secret");
  }

  @Test
  void a_stream_image_and_a_file_image() throws Exception {
    FlashJobDocument s = FlashJobDocument.fromJobDocument(doc("{'stream':'fw-1','fileId':7,'size':5,'sha256':'"
        + SHA + "'}")).orElseThrow();
    assertThat(s.protocols()).containsExactly(OtaProtocol.MQTT);
    assertThat(s.streamName()).contains("fw-1");
    assertThat(s.image().fileId()).isEqualTo(7);
    assertThat(s.image().signature()).isEmpty();

    FlashJobDocument f = FlashJobDocument.fromJobDocument(doc("{'file':'app/./v2.bin','size':5,'sha256':'" + SHA
        + "'}")).orElseThrow();
    assertThat(f.protocols()).containsExactly(OtaProtocol.FILE);
    assertThat(f.localPath(f.image())).contains("app/v2.bin");
    assertThat(f.image().filepath()).isEqualTo("v2.bin");
  }

  @Test
  void other_documents_are_not_flash_jobs_and_the_adapter_still_reads_afr_ota() throws Exception {
    assertThat(FlashJobDocument.fromJobDocument(JSON.readTree("{\"operation\":\"reboot\"}"))).isEmpty();
    assertThat(FlashJobDocument.fromJobDocument(JSON.readTree("[1]"))).isEmpty();
    assertThat(FlashJobDocument.FLASH_OR_AFR_OTA.read(JSON.readTree("{\"operation\":\"reboot\"}"))).isEmpty();
    OtaDocument afr = FlashJobDocument.FLASH_OR_AFR_OTA.read(JSON.readTree("{\"afr_ota\":{\"protocols\":[\"MQTT\"],"
        + "\"streamname\":\"s\",\"files\":[{\"filepath\":\"f\",\"filesize\":3}]}}")).orElseThrow();
    assertThat(afr.streamName()).contains("s");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "no image                                                | image must be an object",
      "{'size':5,'sha256':'S'}                                 | exactly one of url, stream or file",
      "{'url':'https://h/a','file':'a','size':5,'sha256':'S'}  | not url and file",
      "{'file':'a','size':5,'sha256':'S','sha-256':'x'}        | image.sha-256 is not a known key",
      "{'file':'a','sha256':'S'}                               | image.size must be",
      "{'file':'a','size':0,'sha256':'S'}                      | image.size must be",
      "{'file':'a','size':'5','sha256':'S'}                    | image.size must be",
      "{'file':'a','size':5}                                   | image.sha256 must be",
      "{'file':'a','size':5,'sha256':'abc'}                    | image.sha256 must be",
      "{'file':'/etc/passwd','size':5,'sha256':'S'}            | image.file must be a relative path",
      "{'file':'a/../../b','size':5,'sha256':'S'}              | image.file must be a relative path",
      "{'file':'','size':5,'sha256':'S'}                       | image.file must be a non-empty string",
      "{'file':'a','fileId':1,'size':5,'sha256':'S'}           | image.fileId goes with image.stream only",
      "{'stream':'s','fileId':256,'size':5,'sha256':'S'}       | image.fileId must be a whole number from 0 to 255",
      "{'url':'ftp://h/a','size':5,'sha256':'S'}               | image.url must be an http or https URL",
      "{'url':'https://','size':5,'sha256':'S'}                | image.url",
      "{'stream':7,'size':5,'sha256':'S'}                      | image.stream must be a string",
      "{'file':'a','size':5,'sha256':'S','signature':'x'}      | image.signature must be an object",
      "{'file':'a','size':5,'sha256':'S','signature':{'algorithm':'rsa','value':'AQID'}} | algorithm must be",
      "{'file':'a','size':5,'sha256':'S','signature':{'algorithm':'sig-sha1-rsa','value':'AQID'}} | uses SHA-1",
      "{'file':'a','size':5,'sha256':'S','signature':{'algorithm':'sig-sha256-rsa','value':'!!'}} | image.signature.value",
      "{'file':'a','size':5,'sha256':'S','signature':{'algorithm':'sig-sha256-rsa'}} | value must be the signature",
  })
  void a_malformed_document_names_its_first_problem(String image, String problem) {
    String json = image.equals("no image") ? "{\"operation\":\"flash\"}"
        : "{\"operation\":\"flash\",\"image\":" + image.replace('\'', '"').replace("\"S\"", "\"" + SHA + "\"") + "}";
    assertThatThrownBy(() -> FlashJobDocument.FLASH_OR_AFR_OTA.read(JSON.readTree(json)))
        .isInstanceOf(OtaDocumentException.class)
        .hasMessageStartingWith("flash job: ")
        .hasMessageContaining(problem);
  }

  @Test
  void unsigned_images_pass_only_when_pinned_by_sha256_and_signed_ones_go_to_the_signature_check() throws Exception {
    SignatureVerifier refusing = f -> {
      throw new dev.thingbridge.transfer.OtaException(dev.thingbridge.transfer.OtaErrorCode.SIG_CHECK_FAILED, "no");
    };
    SignatureVerifier v = FlashJobDocument.signedOrPinned(refusing);
    OtaFile pinned = FlashJobDocument.fromJobDocument(doc("{'file':'a','size':5,'sha256':'" + SHA + "'}"))
        .orElseThrow().image();
    v.begin(pinned).verify(new byte[32]);
    OtaFile signed = FlashJobDocument.fromJobDocument(doc("{'file':'a','size':5,'sha256':'" + SHA
        + "','signature':{'algorithm':'sig-sha256-ecdsa','value':'AQID'}}")).orElseThrow().image();
    assertThatThrownBy(() -> v.begin(signed)).hasMessage("no");
    OtaFile unpinnedUnsigned = new OtaFile(0, "f", 5, 0, null, null, null, null, 0, null, null);
    assertThatThrownBy(() -> v.begin(unpinnedUnsigned)).hasMessage("no");
  }
}
