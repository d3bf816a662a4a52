package dev.thingbridge.testing;

import dev.thingbridge.defender.DefenderTopics;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Device Defender side of a test's cloud: writes down every metrics report and answers it, in the report's
 * own format, as the verdict says.
 */
public final class DefenderCloud {
  /** The verdict that accepts a report. */
  public static final String ACCEPT = "";

  private final BlockingQueue<MqttMessage> reports = new LinkedBlockingQueue<>();
  private volatile Function<MqttMessage, String> verdict = m -> ACCEPT;

  private DefenderCloud() {}

  /**
   * Listens on {@code cloud} for every thing's reports; replies name {@code thingName}, rejections carry
   * {@code errorMessage}.
   */
  public static DefenderCloud start(MqttClient cloud, String thingName, String errorMessage) throws Exception {
    DefenderCloud d = new DefenderCloud();
    cloud.subscribe(List.of(SubscriptionFilter.of("$aws/things/+/defender/metrics/+", QoS.AT_LEAST_ONCE)),
        new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage m) {
            d.reports.add(m);
            String code = d.verdict.apply(m);
            if (code == null) {
              return;
            }
            PayloadFormat f = DefenderTopics.parse(m.topic()).orElseThrow().format();
            var body = f.mapper().createObjectNode().put("thingName", thingName).put("timestamp", 1L);
            if (code.isEmpty()) {
              body.put("status", "ACCEPTED");
            } else {
              body.put("status", "REJECTED").putObject("statusDetails").put("ErrorCode", code)
                  .put("ErrorMessage", errorMessage);
            }
            cloud.publish(MqttMessage.of(m.topic() + (code.isEmpty() ? "/accepted" : "/rejected"), f.write(body),
                QoS.AT_LEAST_ONCE));
          }
        }).get(5, TimeUnit.SECONDS);
    return d;
  }

  /** How each report is answered: the ErrorCode to reject it with, {@link #ACCEPT}, or null to stay silent. */
  public void answer(Function<MqttMessage, String> value) {
    this.verdict = value;
  }

  /** Every report received, in order. */
  public BlockingQueue<MqttMessage> reports() {
    return reports;
  }
}
