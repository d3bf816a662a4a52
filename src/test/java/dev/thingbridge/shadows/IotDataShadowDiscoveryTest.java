package dev.thingbridge.shadows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Discovery through the AWS SDK against the twin's HTTP API, with Greengrass token exchange credentials. */
class IotDataShadowDiscoveryTest {
  @Test
  void the_greengrass_token_exchange_variables_select_the_container_provider_else_the_default_chain() {
    try (var none = (DefaultCredentialsProvider) IotDataShadowDiscovery.credentialsFor(Map.of())) {
      assertThat(none).isNotNull();
    }
    var tes = IotDataShadowDiscovery.credentialsFor(Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8090/2016-11-01/credentialprovider/",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "svc-token"));
    assertThat(tes).isInstanceOf(ContainerCredentialsProvider.class);
    ((ContainerCredentialsProvider) tes).close();
  }

  @Test
  void discovery_lists_every_page_with_credentials_fetched_from_the_token_exchange_service() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer tes = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tes.createContext("/2016-11-01/credentialprovider/", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ("{\"AccessKeyId\":\"ASIATES\",\"SecretAccessKey\":\"tes-secret\",\"Token\":\"session\","
          + "\"Expiration\":\"2099-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    tes.start();
    String uri = "http://127.0.0.1:" + tes.getAddress().getPort() + "/2016-11-01/credentialprovider/";
    // The SDK reads the variables from system properties before the environment; the test cannot set the latter.
    System.setProperty("aws.containerCredentialsFullUri", uri);
    System.setProperty("aws.containerAuthorizationToken", "svc-token");
    LocalBroker broker = new LocalBroker();
    try (var twinClient = broker.connect("twin");
        TwinServer twin = TwinServer.start(twinClient,
            TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
        IotDataShadowDiscovery discovery = IotDataShadowDiscovery.builder()
            .endpoint(twin.controlPlane().orElseThrow().endpoint())
            .region("eu-west-1")
            .credentials(IotDataShadowDiscovery.credentialsFor(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)))
            .build()) {
      ShadowsService shadows = twin.twin().service(ShadowsService.class);
      for (int i = 0; i < 230; i++) {
        shadows.update("gw-1", "s" + i, "{\"state\":{\"reported\":{}}}".getBytes(StandardCharsets.UTF_8));
      }
      shadows.update("gw-2", "elsewhere", "{\"state\":{\"reported\":{}}}".getBytes(StandardCharsets.UTF_8));

      List<String> names = discovery.namedShadows("gw-1");

      assertThat(names).hasSize(230).doesNotHaveDuplicates().doesNotContain("elsewhere");
      assertThat(authorizations).isNotEmpty().containsOnly("svc-token");
    } finally {
      System.clearProperty("aws.containerCredentialsFullUri");
      System.clearProperty("aws.containerAuthorizationToken");
      tes.stop(0);
    }
  }
}
