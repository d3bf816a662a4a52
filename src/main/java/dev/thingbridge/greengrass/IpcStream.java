package dev.thingbridge.greengrass;

/**
 * A long-lived Greengrass IPC subscription (configuration updates, component updates, a local topic) that
 * {@link GreengrassIpc} re-opens by itself after the IPC connection is rebuilt. Closing it terminates the
 * stream.
 */
public interface IpcStream extends AutoCloseable {
  /** Terminates the stream; no further events are delivered. Idempotent. */
  @Override
  void close();
}
