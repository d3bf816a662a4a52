package dev.thingbridge.greengrass;

/** The states a component may report with Greengrass IPC {@code UpdateState}. */
public enum ComponentState {
  /** Started and serving: ends STARTING for a component with a {@code Startup} lifecycle. */
  RUNNING,
  /** Failed: the nucleus runs {@code Recover} and, after three errors, marks the component BROKEN. */
  ERRORED
}
