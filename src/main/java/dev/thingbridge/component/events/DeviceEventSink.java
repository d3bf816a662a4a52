package dev.thingbridge.component.events;

/** Hears device events. Called on the thread of whatever produced the event; must be quick and must not throw. */
@FunctionalInterface
public interface DeviceEventSink {
  DeviceEventSink NONE = e -> {};

  void accept(DeviceEvent event);
}
