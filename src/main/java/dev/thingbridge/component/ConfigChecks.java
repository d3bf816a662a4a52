package dev.thingbridge.component;

import dev.thingbridge.component.ComponentConfig.ShadowBackend;
import dev.thingbridge.mqtt.MqttClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** What parsing a configuration cannot check: the files it names exist, and its shadow backend is available. */
final class ConfigChecks {
  private ConfigChecks() {}

  /**
   * @param workDir what relative paths are resolved against; null when the component keeps no state on disk
   * @param backends the MQTT view of each shadow backend, null where it is not available
   * @throws ConfigurationException naming the key
   */
  static void check(ComponentConfig c, Path workDir, Function<ShadowBackend, MqttClient> backends) {
    Path base = workDir == null ? Path.of("") : workDir;
    if (!c.jobs().handlerDir().isEmpty() && !Files.isDirectory(base.resolve(c.jobs().handlerDir()))) {
      throw ComponentConfig.bad("jobs.handlerDir", "is not a directory", base.resolve(c.jobs().handlerDir()));
    }
    if (c.ota().enabled()) {
      if (c.ota().signingCertificate().isEmpty()) {
        throw ComponentConfig.bad("ota.signingCertificate", "is required when ota.enabled is true (files are only "
            + "installed when their signature checks out)", "");
      }
      if (!Files.isReadable(base.resolve(c.ota().signingCertificate()))) {
        throw ComponentConfig.bad("ota.signingCertificate", "is not a readable file",
            base.resolve(c.ota().signingCertificate()));
      }
      if (workDir == null) {
        throw ComponentConfig.bad("ota.enabled", "needs a state directory on disk", true);
      }
    }
    if (c.shadows().enabled() && backends.apply(c.shadows().backend()) == null) {
      throw ComponentConfig.bad("shadows.backend", "is not available here (shadowManager needs Greengrass and "
          + "aws.greengrass.ShadowManager)", c.shadows().backend() == ShadowBackend.CLOUD ? "cloud" : "shadowManager");
    }
  }

}
