package dev.thingbridge.shadows;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClientBuilder;
import software.amazon.awssdk.services.iotdataplane.model.ListNamedShadowsForThingResponse;

/**
 * Shadow discovery through the AWS IoT data plane: {@code ListNamedShadowsForThing}
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html) with the AWS SDK
 * for Java v2, following {@code nextToken} through every page (100 names a page).
 *
 * <p>Credentials: under Greengrass v2 the nucleus gives each component the token exchange service's address and
 * token ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}); when those are set
 * the core device's role alias credentials are used ({@link ContainerCredentialsProvider}), never a profile or
 * instance role that happens to be on the machine. Otherwise the SDK's default chain applies. The core device's
 * token exchange role needs {@code iot:ListNamedShadowsForThing} on the thing.
 *
 * <p>Endpoint: the account's data endpoint ({@code aws iot describe-endpoint --endpoint-type iot:Data-ATS}, as
 * {@code https://xxxxxxxx-ats.iot.eu-west-1.amazonaws.com}); without one the SDK's regional default is used.
 * Region: explicit, else {@code AWS_REGION} (which Greengrass sets), else the SDK's region chain.
 *
 * <p>Thread-safe; {@link #close()} releases the HTTP client and the credentials provider.
 */
public final class IotDataShadowDiscovery implements ShadowDiscovery, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IotDataShadowDiscovery.class);
  /** The largest page AWS serves. */
  static final int PAGE_SIZE = 100;
  /** Guards against a service that keeps returning a token: 10,000 pages are a million shadows. */
  private static final int MAX_PAGES = 10_000;

  private final IotDataPlaneClient client;
  private final AwsCredentialsProvider credentials;

  private IotDataShadowDiscovery(Builder b) {
    this.credentials = b.credentials != null ? b.credentials : credentialsFor(System.getenv());
    IotDataPlaneClientBuilder sdk = IotDataPlaneClient.builder()
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(b.timeout)
            .socketTimeout(b.timeout)
            .build());
    if (b.endpoint != null) {
      sdk.endpointOverride(b.endpoint);
    }
    String region = b.region != null ? b.region : System.getenv("AWS_REGION");
    if (region != null && !region.isEmpty()) {
      sdk.region(Region.of(region));
    }
    this.client = sdk.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The credentials provider for an environment: the Greengrass token exchange service when
   * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} is set (the SDK's {@link ContainerCredentialsProvider} reads it
   * and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), else the SDK's default chain.
   */
  public static AwsCredentialsProvider credentialsFor(Map<String, String> environment) {
    String uri = environment.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (uri != null && !uri.isBlank()) {
      LOG.info("shadow discovery: credentials from the Greengrass token exchange service");
      return ContainerCredentialsProvider.builder().build();
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** The credentials provider in use. */
  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  @Override
  public List<String> namedShadows(String thingName) {
    Objects.requireNonNull(thingName, "thingName");
    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String next = token;
      ListNamedShadowsForThingResponse page = client.listNamedShadowsForThing(
          r -> r.thingName(thingName).pageSize(PAGE_SIZE).nextToken(next));
      names.addAll(page.results());
      token = page.nextToken();
      if (++pages >= MAX_PAGES && token != null) {
        throw new IllegalStateException("ListNamedShadowsForThing returned more than " + MAX_PAGES + " pages");
      }
    } while (token != null && !token.isEmpty());
    LOG.info("shadow discovery: {} named shadows of {} in {} page(s)", names.size(), thingName, pages);
    return names;
  }

  @Override
  public void close() {
    client.close();
    if (credentials instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing the credentials provider failed", e);
      }
    }
  }

  /** Configures an {@link IotDataShadowDiscovery}; every option has a default. */
  public static final class Builder {
    private URI endpoint;
    private String region;
    private AwsCredentialsProvider credentials;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The account's IoT data endpoint ({@code https://...-ats.iot.<region>.amazonaws.com}). */
    public Builder endpoint(URI value) {
      this.endpoint = Objects.requireNonNull(value, "endpoint");
      return this;
    }

    /** The AWS region ({@code eu-west-1}); default {@code AWS_REGION}, then the SDK's region chain. */
    public Builder region(String value) {
      this.region = Objects.requireNonNull(value, "region");
      return this;
    }

    /**
     * Credentials of your own; default: the Greengrass token exchange service when its variables are set, else
     * the SDK's default chain. A provider given here is closed with the discovery if it is closeable.
     */
    public Builder credentials(AwsCredentialsProvider value) {
      this.credentials = Objects.requireNonNull(value, "credentials");
      return this;
    }

    /** Connect and read timeout of each HTTP call (default 10 s). */
    public Builder timeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = value;
      return this;
    }

    public IotDataShadowDiscovery build() {
      return new IotDataShadowDiscovery(this);
    }
  }
}
