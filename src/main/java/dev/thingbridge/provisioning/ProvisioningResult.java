package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A provisioned device: its thing, its new credentials and the template's device configuration decoded into
 * the caller's type. {@link #toString()} never shows the private key.
 *
 * @param <T> the device configuration type
 */
public final class ProvisioningResult<T> {
  private final String thingName;
  private final DeviceCredentials credentials;
  private final T deviceConfiguration;
  private final JsonNode rawDeviceConfiguration;

  public ProvisioningResult(String thingName, DeviceCredentials credentials, T deviceConfiguration,
      JsonNode rawDeviceConfiguration) {
    this.thingName = Objects.requireNonNull(thingName, "thingName");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.deviceConfiguration = deviceConfiguration;
    this.rawDeviceConfiguration = rawDeviceConfiguration;
  }

  /** The thing the template created (or found). */
  public String thingName() {
    return thingName;
  }

  /** The certificate's id. */
  public String certificateId() {
    return credentials.certificateId();
  }

  /** The new certificate and key (the key is absent when the caller brought a CSR). */
  public DeviceCredentials credentials() {
    return credentials;
  }

  /** The device configuration, decoded; empty when the reply carried none. */
  public Optional<T> deviceConfiguration() {
    return Optional.ofNullable(deviceConfiguration);
  }

  /** The device configuration as received (a JSON tree, from either format); empty when absent. */
  public Optional<JsonNode> rawDeviceConfiguration() {
    return Optional.ofNullable(rawDeviceConfiguration);
  }

  @Override
  public String toString() {
    return "ProvisioningResult[thing=" + thingName + ", certificateId=" + credentials.certificateId()
        + ", deviceConfiguration=" + rawDeviceConfiguration + "]";
  }
}
