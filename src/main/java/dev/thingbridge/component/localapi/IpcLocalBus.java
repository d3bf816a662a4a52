package dev.thingbridge.component.localapi;

import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.LocalTopicMessage;
import dev.thingbridge.mqtt.ConnectionListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Greengrass local publish/subscribe over the process' one {@link GreengrassIpc} connection. */
public final class IpcLocalBus implements LocalBus {
  private final GreengrassIpc ipc;

  public IpcLocalBus(GreengrassIpc ipc) {
    this.ipc = Objects.requireNonNull(ipc, "ipc");
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload) {
    return ipc.lifecycle().publishToTopic(topic, payload);
  }

  @Override
  public CompletableFuture<AutoCloseable> subscribe(String filter, Consumer<LocalTopicMessage> onMessage) {
    return ipc.lifecycle().subscribeToTopic(filter, onMessage).thenApply(s -> s);
  }

  @Override
  public void onReconnected(Runnable action) {
    ipc.addConnectionListener(new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        action.run();
      }
    });
  }
}
