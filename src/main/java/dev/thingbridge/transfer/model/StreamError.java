package dev.thingbridge.transfer.model;

/**
 * A stream request refused ({@code .../streams/{stream}/rejected/{cbor|json}}).
 *
 * @param code {@code o}: {@code ResourceNotFound}, {@code BlockSizeOutOfBounds}, {@code VersionMismatch}, ...
 * @param message {@code m}, or null
 * @param clientToken {@code c}, or null
 */
public record StreamError(String code, String message, String clientToken) {
  /** Whether asking again later may succeed (a throttle or a fault of the service, not of the request). */
  public boolean isTransient() {
    return "InternalError".equals(code) || "Throttling".equals(code) || "ThrottlingException".equals(code)
        || "ServiceUnavailable".equals(code);
  }
}
