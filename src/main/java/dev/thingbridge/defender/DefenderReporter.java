package dev.thingbridge.defender;

import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRejectedException;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes Device Defender metrics reports
 * (https://docs.aws.amazon.com/iot-device-defender/latest/devguide/detect-device-side-metrics.html) for a thing
 * and, over the same connection, for other things (the MCUs behind a gateway), once or on a schedule.
 *
 * <p>Each report is published at QoS 1 on {@code $aws/things/{thing}/defender/metrics/{json|cbor}} once the
 * subscriptions to its accepted and rejected topics are acknowledged; the reporter waits at most {@code
 * replyTimeout} for the answer. A rejection fails the future with a {@link DefenderRejectedException} whose
 * code is typed ({@code Malformed}, {@code InvalidPayload}, {@code Throttled}, {@code MissingHeader}; others
 * kept as text). The replies carry no token, so reports of one thing go out one at a time.
 *
 * <p>Scheduled reports ({@link #schedule}) run every {@code interval} (default 300 s, AWS's minimum between
 * reports of a thing), each spread by {@code jitter}; the first within {@code jitter × interval} of the call.
 *
 * <p>Threads: {@code thingbridge-defender-<clientId>-N} collects metrics and runs the schedule; {@link #close()}
 * stops it and releases the reply subscriptions.
 */
public final class DefenderReporter implements AutoCloseable {
  /** Time between scheduled reports of a thing unless set: 300 s, the shortest AWS accepts without throttling. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(300);
  /** Spread of the interval unless set: ±10 %, so that a fleet started at once does not report in step. */
  public static final double DEFAULT_JITTER = 0.1;

  private static final Logger log = LoggerFactory.getLogger(DefenderReporter.class);

  private final MqttClient mqtt;
  private final String thing;
  private final PayloadFormat format;
  private final KeyStyle keys;
  private final Duration replyTimeout;
  private final Duration interval;
  private final double jitter;
  private final DoubleSupplier uniform;
  private final ReportIds reportIds;
  private final DefenderListener listener;
  private final MqttRequester requester;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Map<String, CompletableFuture<?>> inFlight = new HashMap<>();

  private DefenderReporter(Builder b) {
    this.mqtt = b.mqtt;
    this.thing = b.thing == null ? AwsNames.requireThingName(b.mqtt.clientId()) : b.thing;
    this.format = b.format;
    this.keys = b.keys;
    this.replyTimeout = b.replyTimeout;
    this.interval = b.interval;
    this.jitter = b.jitter;
    this.uniform = b.uniform;
    this.reportIds = b.reportIds;
    this.listener = b.listener;
    this.requester = new MqttRequester(mqtt, m -> null);
    this.scheduler = new ScheduledThreadPoolExecutor(1,
        new NamedThreadFactory("thingbridge-defender-" + mqtt.clientId(), true));
    this.scheduler.setRemoveOnCancelPolicy(true);
  }

  public static Builder builder(MqttClient mqtt) {
    return new Builder(mqtt);
  }

  /** The reporter's own thing. */
  public String thingName() {
    return thing;
  }

  /** Publishes a report for the reporter's own thing and waits for the answer. */
  public CompletableFuture<ReportAcceptance> publish(MetricsReport report) {
    return publish(thing, report);
  }

  /**
   * Publishes a report on behalf of {@code thingName} and waits for the answer.
   *
   * @return completes with the acceptance; fails with {@link DefenderRejectedException}, an MQTT timeout or
   *     another MQTT error
   * @throws IllegalArgumentException for a bad thing name
   */
  public CompletableFuture<ReportAcceptance> publish(String thingName, MetricsReport report) {
    AwsNames.requireThingName(thingName);
    byte[] payload = MetricsCodec.encode(report, format, keys);
    String accepted = DefenderTopics.accepted(thingName, format);
    String rejected = DefenderTopics.rejected(thingName, format);
    MqttRequest request = new MqttRequest(DefenderTopics.report(thingName, format), payload,
        MessageProperties.builder().contentType(format.contentType()).build(), accepted, rejected,
        List.of(SubscriptionFilter.of(accepted, QoS.AT_LEAST_ONCE), SubscriptionFilter.of(rejected, QoS.AT_LEAST_ONCE)),
        null, replyTimeout);
    CompletableFuture<ReportAcceptance> result;
    synchronized (inFlight) {
      CompletableFuture<?> previous = inFlight.getOrDefault(thingName, CompletableFuture.completedFuture(null));
      result = previous.handle((v, e) -> null).thenCompose(v -> send(thingName, report, request));
      inFlight.put(thingName, result);
    }
    result.whenComplete((v, e) -> {
      synchronized (inFlight) {
        inFlight.remove(thingName, result);
      }
    });
    return result;
  }

  /** Publishes a report of these metrics for {@code thingName}, with the thing's next report id. */
  public CompletableFuture<ReportAcceptance> publish(String thingName, MetricsSnapshot metrics) {
    ReportHeader header = ReportHeader.of(reportIds.next(AwsNames.requireThingName(thingName)));
    return publish(thingName, new MetricsReport(header, metrics.metrics(), metrics.customMetrics()));
  }

  private CompletableFuture<ReportAcceptance> send(String thingName, MetricsReport report, MqttRequest request) {
    return requester.request(request, m -> MetricsCodec.decodeAcceptance(m.payload(), format))
        .exceptionally(e -> {
          Throwable cause = Futures.unwrap(e);
          if (cause instanceof MqttRejectedException r) {
            throw new CompletionException(new DefenderRejectedException(thingName, report.header().reportId(),
                MetricsCodec.decodeRejection(r.reply().payload(), format)));
          }
          throw e instanceof CompletionException ce ? ce : new CompletionException(cause);
        });
  }

  /**
   * Reports {@code thingName}'s metrics every {@code interval} until {@link #close()}; the listener hears of
   * every outcome. Schedule the reporter's own thing and each attached MCU's the same way.
   */
  public void schedule(String thingName, MetricsSource source) {
    AwsNames.requireThingName(thingName);
    Objects.requireNonNull(source, "source");
    later(() -> runScheduled(thingName, source), firstDelayMillis(interval, jitter, uniform.getAsDouble()));
  }

  private void runScheduled(String thingName, MetricsSource source) {
    CompletableFuture<ReportAcceptance> outcome;
    MetricsReport[] sent = new MetricsReport[1];
    try {
      MetricsSnapshot snapshot = source.collect();
      ReportHeader header = ReportHeader.of(reportIds.next(thingName));
      sent[0] = new MetricsReport(header, snapshot.metrics(), snapshot.customMetrics());
      outcome = publish(thingName, sent[0]);
    } catch (Exception e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete((acceptance, e) -> {
      Throwable cause = e == null ? null : Futures.unwrap(e);
      try {
        if (cause == null) {
          log.debug("defender {}: report {} accepted", thingName, sent[0].header().reportId());
          listener.onAccepted(thingName, sent[0], acceptance);
        } else if (cause instanceof DefenderRejectedException r) {
          log.warn("defender {}: {}", thingName, r.getMessage());
          listener.onRejected(thingName, sent[0], r);
        } else {
          log.warn("defender {}: report failed: {}", thingName, cause.toString());
          listener.onFailed(thingName, cause);
        }
      } catch (RuntimeException listenerError) {
        log.warn("defender listener threw {}", listenerError.toString());
      }
      later(() -> runScheduled(thingName, source), nextDelayMillis(interval, jitter, uniform.getAsDouble()));
    });
  }

  /** The wait before a thing's first scheduled report: within {@code jitter × interval}; {@code u} in [0, 1). */
  static long firstDelayMillis(Duration interval, double jitter, double u) {
    return (long) (u * jitter * interval.toMillis());
  }

  /** The wait between scheduled reports: {@code interval × (1 ± jitter)}; {@code u} in [0, 1), 0.5 the middle. */
  static long nextDelayMillis(Duration interval, double jitter, double u) {
    double spread = (u * 2 - 1) * jitter;
    return Math.max(1, Math.round(interval.toMillis() * (1 + spread)));
  }

  private void later(Runnable task, long delayMillis) {
    try {
      scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      log.debug("defender reporter closed; schedule ends");
    }
  }

  /** Stops the schedule and releases the reply subscriptions; reports waiting for an answer fail. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    requester.close();
  }

  /** Builds a {@link DefenderReporter}. */
  public static final class Builder {
    private final MqttClient mqtt;
    private String thing;
    private PayloadFormat format = PayloadFormat.JSON;
    private KeyStyle keys = KeyStyle.SHORT;
    private Duration replyTimeout = Duration.ofSeconds(10);
    private Duration interval = DEFAULT_INTERVAL;
    private double jitter = DEFAULT_JITTER;
    private DoubleSupplier uniform = () -> ThreadLocalRandom.current().nextDouble();
    private ReportIds reportIds = ReportIds.epochMillis(Clock.systemUTC());
    private DefenderListener listener = DefenderListener.NONE;

    private Builder(MqttClient mqtt) {
      this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    }

    /** The reporter's own thing (default: the MQTT client id). */
    public Builder thing(String value) {
      this.thing = AwsNames.requireThingName(value);
      return this;
    }

    /** JSON (default) or CBOR. */
    public Builder format(PayloadFormat value) {
      this.format = Objects.requireNonNull(value, "format");
      return this;
    }

    /** Short (default) or long member names. */
    public Builder keyStyle(KeyStyle value) {
      this.keys = Objects.requireNonNull(value, "keyStyle");
      return this;
    }

    /** How long to wait for accepted or rejected (default 10 s). */
    public Builder replyTimeout(Duration value) {
      this.replyTimeout = positive(value, "reply timeout");
      return this;
    }

    /** Time between scheduled reports of a thing (default 300 s; AWS may throttle anything faster). */
    public Builder interval(Duration value) {
      this.interval = positive(value, "interval");
      return this;
    }

    /** Relative spread of the interval, 0-0.5 (default 0.1 = ±10 %). */
    public Builder jitter(double value) {
      if (!(value >= 0 && value <= 0.5)) {
        throw new IllegalArgumentException("jitter must be within 0..0.5: " + value);
      }
      this.jitter = value;
      return this;
    }

    /** Where the jitter's randomness comes from (tests pin it); values in [0, 1). */
    Builder uniform(DoubleSupplier value) {
      this.uniform = Objects.requireNonNull(value, "uniform");
      return this;
    }

    /** Where report ids come from (default {@link ReportIds#epochMillis(Clock)} on the system clock). */
    public Builder reportIds(ReportIds value) {
      this.reportIds = Objects.requireNonNull(value, "reportIds");
      return this;
    }

    /** Hears the outcome of scheduled reports (default: none). */
    public Builder listener(DefenderListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    public DefenderReporter build() {
      return new DefenderReporter(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
