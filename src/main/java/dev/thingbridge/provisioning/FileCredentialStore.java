package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a device's credentials into a directory, each file replaced atomically (temp file, fsync, rename):
 *
 * <ul>
 *   <li>{@code private.pem.key}: the private key, mode 0600 from its creation on; absent for a user's CSR;
 *   <li>{@code certificate.pem.crt}: the certificate (written after the key, so a certificate on disk always
 *       has its key beside it);
 *   <li>{@code thing.json}: {@code {"thingName","certificateId","deviceConfiguration"}}, once registered.
 * </ul>
 */
public final class FileCredentialStore implements CredentialStore {
  /** The certificate file's name. */
  public static final String CERTIFICATE_FILE = "certificate.pem.crt";
  /** The private key file's name. */
  public static final String PRIVATE_KEY_FILE = "private.pem.key";
  /** The registration file's name. */
  public static final String THING_FILE = "thing.json";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> READABLE = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

  private final Path dir;

  public FileCredentialStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /** The directory written to. */
  public Path directory() {
    return dir;
  }

  /** The certificate file. */
  public Path certificateFile() {
    return dir.resolve(CERTIFICATE_FILE);
  }

  /** The private key file. */
  public Path privateKeyFile() {
    return dir.resolve(PRIVATE_KEY_FILE);
  }

  @Override
  public void save(DeviceCredentials credentials) throws IOException {
    if (credentials.privateKeyPem() != null) {
      AtomicFiles.write(privateKeyFile(), credentials.privateKeyPem().getBytes(StandardCharsets.US_ASCII), OWNER_ONLY);
    }
    AtomicFiles.write(certificateFile(), credentials.certificatePem().getBytes(StandardCharsets.US_ASCII), READABLE);
  }

  @Override
  public void registered(Registration registration) throws IOException {
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode n = json.createObjectNode();
    n.put("thingName", registration.thingName());
    n.put("certificateId", registration.certificateId());
    n.set("deviceConfiguration", registration.deviceConfiguration() == null
        ? json.createObjectNode() : registration.deviceConfiguration());
    AtomicFiles.write(dir.resolve(THING_FILE), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(n), READABLE);
  }
}
