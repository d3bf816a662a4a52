package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/** A hook behind a URL: the input POSTed as JSON, a 2xx answer carrying the decision as JSON. */
final class UrlHook implements PreProvisioningHook {
  private static final int MAX_ANSWER = 64 * 1024;
  private final URI uri;

  public UrlHook(URI uri) {
    this.uri = uri;
  }

  @Override
  public Decision decide(JsonNode input, Duration timeout) throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      int ms = (int) Math.max(1, timeout.toMillis());
      c.setConnectTimeout(ms);
      c.setReadTimeout(ms);
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(ProvisioningJson.MAPPER.writeValueAsBytes(input));
      }
      int status = c.getResponseCode();
      if (status < 200 || status > 299) {
        throw new IOException("the hook answered HTTP " + status);
      }
      try (InputStream in = c.getInputStream()) {
        return HookAnswers.read(in.readNBytes(MAX_ANSWER));
      }
    } finally {
      c.disconnect();
    }
  }
}
