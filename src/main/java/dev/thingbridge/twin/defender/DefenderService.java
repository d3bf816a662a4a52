package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of Device Defender's device-side metrics: reports on {@code
 * $aws/things/{thing}/defender/metrics/{json|cbor}} are checked ({@link ReportValidator}: schema, names,
 * structure), their report ids must increase per thing, and reports closer together than the minimum interval
 * are {@code Throttled}; accepted ones are kept (the last {@link DefenderSettings#reportsKept()} per thing) and
 * answered on {@code .../accepted}, refused ones on {@code .../rejected} with AWS's {@code statusDetails}.
 *
 * <p>Control plane: {@link #reports(String)} in Java, and {@code ListMetricValues} over HTTP ({@code GET
 * /metric-values}) with Device Defender's metric names ({@code aws:all-bytes-in}, {@code
 * aws:listening-tcp-ports}, ...) and custom metric names.
 */
public final class DefenderService implements TwinService {
  private static final Logger log = LoggerFactory.getLogger(DefenderService.class);

  private final DefenderState store = new DefenderState();
  private final DefenderSettings settings;
  private TwinContext context;

  /** A service with default settings. */
  public DefenderService() {
    this(DefenderSettings.DEFAULTS);
  }

  public DefenderService(DefenderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return "defender";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of(SubscriptionFilter.of("$aws/things/+/defender/metrics/+", QoS.AT_LEAST_ONCE));
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    String[] l = request.topic().split("/", -1);
    PayloadFormat format = l.length == 6 && l[3].equals("defender") && l[4].equals("metrics")
        ? PayloadFormat.ofSuffix(l[5]) : null;
    if (format == null) {
      return false;
    }
    String thing = l[2];
    Instant now = context.now();
    if (thing.getBytes(StandardCharsets.UTF_8).length > 128 || thing.chars().anyMatch(Character::isISOControl)) {
      out.publish(rejected(request, format, thing, null, "InvalidPayload",
          "Thing names with control characters or over 128 bytes are not accepted", now));
      return false;
    }
    ReportValidator.Outcome outcome = ReportValidator.validate(request.payload(), format);
    if (outcome.refusal() != null) {
      out.publish(rejected(request, format, thing, null, outcome.refusal().errorCode(), outcome.refusal().message(), now));
      return false;
    }
    ReportValidator.Report report = outcome.report();
    Optional<StoredReport> last = store.last(thing);
    if (last.isPresent() && report.reportId() <= last.get().reportId()) {
      out.publish(rejected(request, format, thing, report.reportId(), "InvalidPayload", "report_id "
          + report.reportId() + " was already used: report ids of a thing must increase (last accepted: "
          + last.get().reportId() + ")", now));
      return false;
    }
    Duration interval = minInterval();
    if (last.isPresent() && now.isBefore(last.get().receivedAt().plus(interval))) {
      out.publish(rejected(request, format, thing, report.reportId(), "Throttled", "Reports of " + thing
          + " come faster than one per " + interval.toSeconds() + " s", now));
      return false;
    }
    store.add(new StoredReport(thing, report.reportId(), now, report.canonical()), settings.reportsKept(), out);
    log.debug("twin defender: report {} of {} accepted", report.reportId(), thing);
    ObjectNode body = format.mapper().createObjectNode().put("thingName", thing).put("reportId", report.reportId())
        .put("status", "ACCEPTED").put("timestamp", now.toEpochMilli());
    out.publish(reply(request.topic() + "/accepted", format, body));
    return true;
  }

  private Duration minInterval() {
    if (settings.minReportInterval() != null) {
      return settings.minReportInterval();
    }
    return context.limits().enforceRates() ? DefenderSettings.AWS_INTERVAL : Duration.ZERO;
  }

  private static MqttMessage rejected(MqttMessage request, PayloadFormat format, String thing, Long reportId,
      String code, String message, Instant now) {
    ObjectNode body = format.mapper().createObjectNode().put("thingName", thing);
    if (reportId != null) {
      body.put("reportId", reportId);
    }
    body.put("status", "REJECTED");
    body.putObject("statusDetails").put("ErrorCode", code).put("ErrorMessage", message);
    body.put("timestamp", now.toEpochMilli());
    return reply(request.topic() + "/rejected", format, body);
  }

  private static MqttMessage reply(String topic, PayloadFormat format, JsonNode body) {
    return new MqttMessage(topic, format.write(body), QoS.AT_LEAST_ONCE, false,
        MessageProperties.builder().contentType(format.contentType()).build());
  }

  // ---- control plane ------------------------------------------------------------------------------------

  /** The reports kept for a thing, oldest first. */
  public List<StoredReport> reports(String thingName) {
    return context.read(this, () -> store.reports(thingName));
  }

  /** One point of ListMetricValues: when the report arrived and the metric's value in it. */
  public record MetricDatum(Instant timestamp, ObjectNode value) {}

  /**
   * ListMetricValues: a metric's values in the thing's kept reports within {@code [start, end]}, oldest first.
   *
   * @throws AwsApiException InvalidRequestException for a missing thing name or metric name
   */
  public List<MetricDatum> listMetricValues(String thingName, String metricName, Instant start, Instant end) {
    if (thingName == null || metricName == null) {
      throw AwsApiException.invalidRequest("thingName and metricName are required");
    }
    List<MetricDatum> out = new ArrayList<>();
    for (StoredReport r : reports(thingName)) {
      if ((start != null && r.receivedAt().isBefore(start)) || (end != null && r.receivedAt().isAfter(end))) {
        continue;
      }
      MetricValues.of(r, metricName).ifPresent(v -> out.add(new MetricDatum(r.receivedAt(), v)));
    }
    return out;
  }

  @Override
  public List<Route> routes() {
    return List.of(Route.of("ListMetricValues", "GET", "/metric-values", this::listRoute));
  }

  private ApiResponse listRoute(ApiRequest r) {
    List<MetricDatum> all = listMetricValues(r.queryParam("thingName").orElse(null),
        r.queryParam("metricName").orElse(null), time(r, "startTime"), time(r, "endTime"));
    Paging.Page<MetricDatum> page = Paging.page(all,
        Paging.intParam("maxResults", r.queryParam("maxResults").orElse(null)), r.queryParam("nextToken").orElse(null),
        "metric-values|" + r.queryParam("thingName").orElse("") + "|" + r.queryParam("metricName").orElse(""), 100);
    ObjectNode body = ApiJson.MAPPER.createObjectNode();
    ArrayNode list = body.putArray("metricDatumList");
    for (MetricDatum d : page.items()) {
      ObjectNode n = list.addObject().put("timestamp", ApiJson.epochSeconds(d.timestamp()));
      n.set("value", d.value());
    }
    if (page.nextToken() != null) {
      body.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(body);
  }

  /** A timestamp query parameter: ISO-8601 (what the AWS SDKs send) or epoch seconds. */
  private static Instant time(ApiRequest r, String name) {
    Optional<String> raw = r.queryParam(name);
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(raw.get());
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(new java.math.BigDecimal(raw.get()).movePointRight(3)
            .setScale(0, java.math.RoundingMode.DOWN).longValueExact());
      } catch (ArithmeticException | NumberFormatException e2) {
        throw AwsApiException.invalidRequest(name + " must be an ISO-8601 time or epoch seconds");
      }
    }
  }

  /** Reports of different things are independent: they are served at the same time. */
  @Override
  public boolean concurrentByThing() {
    return true;
  }

  @Override
  public void answerInternalFailure(MqttMessage request, TwinOutbox out) {
    String[] l = request.topic().split("/", -1);
    PayloadFormat format = l.length == 6 ? PayloadFormat.ofSuffix(l[5]) : null;
    if (format != null) {
      out.publish(rejected(request, format, l[2], null, "InternalFailure", "The report could not be saved; send it again",
          context.now()));
    }
  }

  @Override
  public StoreSchema schema() {
    return DefenderState.SCHEMA;
  }

  @Override
  public void load(StoreReader reader) {
    store.load(reader);
  }
}
