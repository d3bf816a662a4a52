package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.testing.JsonDocumentFuzz;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random job documents into the {@code afr_ota} reader: the only exception is {@link OtaDocumentException}; an
 * accepted document can be run (a protocol, files with a size and an id in range, a stream for MQTT-only jobs) and
 * never shows a pre-signed URL in its text form.
 */
class AfrOtaDocumentFuzzTest {
  private static final String[] KEYS = {"protocols", "streamname", "files", "filepath", "filesize", "fileid",
      "certfile", "update_data_url", "auth_scheme", "sig-sha256-ecdsa", "sig-sha1-rsa", "fileType", "attr", "sha256",
      "sig--", "x"};
  private static final String[] VALUES = {"\"MQTT\"", "\"HTTP\"", "[\"MQTT\"]", "[\"HTTP\",\"MQTT\"]", "[]", "0", "1",
      "255", "256", "-1", "1.5", "\"1024\"", "\"abc\"", "null", "true", "{}", "\"s\"", "\"http://h/p?X-Amz-Signature=secret\"",
      "99999999999999999999", "\"" + "a".repeat(64) + "\""};

  @FuzzTest(maxDuration = "60s")
  void documents_never_escape_the_document_exception(FuzzedDataProvider data) {
    check(JsonDocumentFuzz.text(data, r -> structured(r)));
  }

  static void check(String text) {
    JsonNode node = JsonDocumentFuzz.parseOrNull(text);
    if (node == null) {
      return;
    }
    try {
      OtaDocument d = OtaDocumentAdapter.AFR_OTA.read(node).orElse(null);
      if (d == null) {
        return;
      }
      assertThat(d.protocols()).isNotEmpty();
      assertThat(d.files()).isNotEmpty();
      if (!d.protocols().contains(OtaProtocol.HTTP)) {
        assertThat(d.streamName()).isPresent();
      }
      for (OtaFile f : d.files()) {
        assertThat(f.size()).isPositive();
        assertThat(f.fileId()).isBetween(0, 255);
        assertThat(f.toString()).doesNotContain("secret");
      }
      assertThat(d.toString()).doesNotContain("secret");
    } catch (OtaDocumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  static String structured(Random r) {
    StringBuilder files = new StringBuilder("[");
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      files.append(i == 0 ? "" : ",").append(object(r, 1 + r.nextInt(8)));
    }
    files.append(']');
    String ota = "{\"protocols\":" + VALUES[r.nextInt(5)] + ",\"streamname\":" + VALUES[r.nextInt(VALUES.length)]
        + ",\"files\":" + (r.nextInt(6) == 0 ? VALUES[r.nextInt(VALUES.length)] : files) + "}";
    return r.nextInt(10) == 0 ? ota : "{\"afr_ota\":" + ota + "}";
  }

  private static String object(Random r, int fields) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < fields; i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":")
          .append(VALUES[r.nextInt(VALUES.length)]);
    }
    return sb.append('}').toString();
  }

  @Test
  void seeded_random_documents_never_escape_the_document_exception() {
    Random r = new Random(7);
    for (int i = 0; i < 5000; i++) {
      check(structured(r));
    }
  }
}
