package dev.thingbridge.mcu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of one flash: the health check that decides confirmation, the verifier that may refuse the image, the
 * state directory of the resumable journal, and limits. Immutable; {@link #defaults()} checks health with an SMP
 * echo, verifies only the image's structure and hash, keeps no journal and gives the whole flash 30 minutes.
 */
public final class FlashOptions {
  private final HealthCheck healthCheck;
  private final Duration healthTimeout;
  private final ImageVerifier verifier;
  private final Path stateDir;
  private final boolean upgradeOnly;
  private final boolean requireRollback;
  private final Duration timeout;

  private FlashOptions(Builder b) {
    this.healthCheck = b.healthCheck;
    this.healthTimeout = b.healthTimeout;
    this.verifier = b.verifier;
    this.stateDir = b.stateDir;
    this.upgradeOnly = b.upgradeOnly;
    this.requireRollback = b.requireRollback;
    this.timeout = b.timeout;
  }

  public static FlashOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.healthCheck = healthCheck;
    b.healthTimeout = healthTimeout;
    b.verifier = verifier;
    b.stateDir = stateDir;
    b.upgradeOnly = upgradeOnly;
    b.requireRollback = requireRollback;
    b.timeout = timeout;
    return b;
  }

  public HealthCheck healthCheck() {
    return healthCheck;
  }

  public Duration healthTimeout() {
    return healthTimeout;
  }

  public ImageVerifier verifier() {
    return verifier;
  }

  /** Where the journal lives, if one is kept. */
  public Optional<Path> stateDir() {
    return Optional.ofNullable(stateDir);
  }

  public boolean upgradeOnly() {
    return upgradeOnly;
  }

  public boolean requireRollback() {
    return requireRollback;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Builder. */
  public static final class Builder {
    private HealthCheck healthCheck = HealthCheck.echo();
    private Duration healthTimeout = Duration.ofSeconds(30);
    private ImageVerifier verifier = ImageVerifier.NONE;
    private Path stateDir;
    private boolean upgradeOnly;
    private boolean requireRollback;
    private Duration timeout = Duration.ofMinutes(30);

    /** What decides confirmation of the booted new image, and the time it has. */
    public Builder healthCheck(HealthCheck check, Duration within) {
      this.healthCheck = Objects.requireNonNull(check);
      this.healthTimeout = Objects.requireNonNull(within);
      return this;
    }

    /** An extra check of the image before anything is sent (the OTA job's signature). */
    public Builder verifier(ImageVerifier value) {
      this.verifier = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Keep the flash's journal (and a copy of the image) in {@code dir}, so that a restart of the process mid-flash
     * continues or cleans up; {@code null} for none.
     */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    /** Ask the device to refuse versions not newer than the running one ({@code upgrade: true}). */
    public Builder upgradeOnly(boolean yes) {
      this.upgradeOnly = yes;
      return this;
    }

    /** Refuse to flash a device whose bootloader cannot revert (single slot, recovery, overwrite-only). */
    public Builder requireRollback(boolean yes) {
      this.requireRollback = yes;
      return this;
    }

    /** Time for the whole flash; the future fails with {@link McuTimeoutException} after it. */
    public Builder timeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = value;
      return this;
    }

    public FlashOptions build() {
      return new FlashOptions(this);
    }
  }
}
