package dev.thingbridge.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;

/** The AWS SDK for Java v2 clients pointed at a twin's control plane, with dummy credentials. */
public final class AwsSdkClients {
  private AwsSdkClients() {}

  /** An {@link IotClient} for the twin's HTTP API at {@code endpoint}; the caller closes it. */
  public static IotClient iot(URI endpoint) {
    return IotClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTWIN", "twin-secret")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }
}
