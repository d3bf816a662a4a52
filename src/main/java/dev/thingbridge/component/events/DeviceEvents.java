package dev.thingbridge.component.events;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The component's event fan-out: every {@link DeviceEvent} goes to each sink (the log line, {@code local}'s
 * standard output, the local API's subscribers). A sink that throws is logged and skipped.
 */
public final class DeviceEvents implements DeviceEventSink {
  private static final Logger log = LoggerFactory.getLogger(DeviceEvents.class);
  /** The logger of the one-line event log; its level alone turns the log on or off. */
  public static final Logger EVENT_LOG = LoggerFactory.getLogger("dev.thingbridge.events");

  private final List<DeviceEventSink> sinks = new CopyOnWriteArrayList<>();

  /** A fan-out that logs each event as one line at info on {@code dev.thingbridge.events}. */
  public static DeviceEvents logging() {
    DeviceEvents e = new DeviceEvents();
    e.add(event -> EVENT_LOG.info("{}", event.toLine()));
    return e;
  }

  public void add(DeviceEventSink sink) {
    sinks.add(Objects.requireNonNull(sink, "sink"));
  }

  public void remove(DeviceEventSink sink) {
    sinks.remove(sink);
  }

  @Override
  public void accept(DeviceEvent event) {
    for (DeviceEventSink s : sinks) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        log.warn("event sink failed on {}: {}", event.type(), e.toString());
      }
    }
  }
}
