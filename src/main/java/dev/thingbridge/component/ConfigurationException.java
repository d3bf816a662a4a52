package dev.thingbridge.component;

/**
 * The component's configuration (a deployment's merge, or a file outside Greengrass) has a bad value: one
 * line naming the key, the rule and the value. The command line reports it as a usage error (exit code 2).
 */
public class ConfigurationException extends IllegalArgumentException {
  public ConfigurationException(String message) {
    super(message);
  }
}
