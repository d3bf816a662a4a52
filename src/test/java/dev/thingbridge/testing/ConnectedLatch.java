package dev.thingbridge.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.OnAttemptingConnectReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionFailureReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionSuccessReturn;
import software.amazon.awssdk.crt.mqtt5.OnDisconnectionReturn;
import software.amazon.awssdk.crt.mqtt5.OnStoppedReturn;

/** Lifecycle events for a bare aws-crt client in tests and benchmarks: only the first connection matters. */
public final class ConnectedLatch implements Mqtt5ClientOptions.LifecycleEvents {
  private final CountDownLatch connected = new CountDownLatch(1);

  /** Whether the client connected within {@code timeout}. */
  public boolean await(Duration timeout) throws InterruptedException {
    return connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onAttemptingConnect(Mqtt5Client c, OnAttemptingConnectReturn r) {}

  @Override
  public void onConnectionSuccess(Mqtt5Client c, OnConnectionSuccessReturn r) {
    connected.countDown();
  }

  @Override
  public void onConnectionFailure(Mqtt5Client c, OnConnectionFailureReturn r) {}

  @Override
  public void onDisconnection(Mqtt5Client c, OnDisconnectionReturn r) {}

  @Override
  public void onStopped(Mqtt5Client c, OnStoppedReturn r) {}
}
