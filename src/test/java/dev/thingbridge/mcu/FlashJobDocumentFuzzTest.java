package dev.thingbridge.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.testing.JsonDocumentFuzz;
import dev.thingbridge.transfer.OtaDocumentException;
import dev.thingbridge.transfer.OtaFile;
import dev.thingbridge.transfer.OtaProtocol;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random {@code flash} job documents into {@link FlashJobDocument}: the only exception is {@link
 * OtaDocumentException} (with a message); an accepted document names exactly one source, a positive size, a
 * 64-digit SHA-256, a relative path that stays inside its directory, and never shows a URL's query.
 */
class FlashJobDocumentFuzzTest {
  private static final String[] KEYS = {"url", "stream", "fileId", "file", "size", "sha256", "signature", "x"};
  private static final String[] VALUES = {"\"https://h/fw.bin?X-Amz-Signature=secret\"", "\"http://h\"",
      "\"ftp://h/a\"", "\"s\"", "\"\"", "\"../a\"", "\"/etc/passwd\"", "\"a/../../b\"", "\"a/b.bin\"", "0", "1", "255",
      "256", "-1", "1.5", "\"12\"", "null", "true", "{}", "[]", "\"" + "ab".repeat(32) + "\"", "\"" + "g".repeat(64)
      + "\"", "{\"algorithm\":\"sig-sha256-ecdsa\",\"value\":\"AQID\"}", "{\"algorithm\":\"sig-sha1-rsa\",\"value\":"
      + "\"AQID\"}", "{\"algorithm\":1}", "99999999999999999999"};

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
      FlashJobDocument d = FlashJobDocument.fromJobDocument(node).orElse(null);
      if (d == null) {
        return;
      }
      assertThat(d.protocols()).hasSize(1);
      OtaFile f = d.image();
      assertThat(f.size()).isPositive();
      assertThat(f.sha256()).matches("[0-9a-f]{64}");
      assertThat(f.fileId()).isBetween(0, 255);
      if (d.protocols().contains(OtaProtocol.FILE)) {
        Path p = Path.of(d.localPath(f).orElseThrow());
        assertThat(p.isAbsolute()).isFalse();
        assertThat(p.normalize().startsWith("..")).isFalse();
      }
      assertThat(d.toString()).doesNotContain("secret");
      assertThat(f.toString()).doesNotContain("secret");
    } catch (OtaDocumentException expected) {
      assertThat(expected.getMessage()).startsWith("flash job: ");
    }
  }

  static String structured(Random r) {
    StringBuilder image = new StringBuilder("{");
    int n = r.nextInt(7);
    for (int i = 0; i < n; i++) {
      image.append(i == 0 ? "" : ",").append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":")
          .append(VALUES[r.nextInt(VALUES.length)]);
    }
    image.append('}');
    String imageValue = r.nextInt(8) == 0 ? VALUES[r.nextInt(VALUES.length)] : image.toString();
    return "{\"operation\":" + (r.nextInt(10) == 0 ? "\"reboot\"" : "\"flash\"") + ",\"image\":" + imageValue + "}";
  }

  @Test
  void seeded_random_documents_never_escape_the_document_exception() {
    Random r = new Random(11);
    for (int i = 0; i < 5000; i++) {
      check(structured(r));
    }
  }

  @Test
  void valid_documents_are_accepted_among_the_random_ones() {
    // Fixed seeds must also reach the accepting branch, or the checks above would test refusals only.
    check("{\"operation\":\"flash\",\"image\":{\"file\":\"a/b.bin\",\"size\":1,\"sha256\":\"" + "ab".repeat(32)
        + "\"}}");
    assertThat(FlashJobDocument.fromJobDocument(readTree("{\"operation\":\"flash\",\"image\":{\"url\":"
        + "\"https://h/fw.bin?X-Amz-Signature=secret\",\"size\":1,\"sha256\":\"" + "ab".repeat(32) + "\"}}")))
        .hasValueSatisfying(d -> assertThat(d.toString()).doesNotContain("secret"));
  }

  private static JsonNode readTree(String text) {
    return java.util.Objects.requireNonNull(JsonDocumentFuzz.parseOrNull(text), "not JSON");
  }
}
