/**
 * AWS IoT Device Defender device-side metrics
 * (https://docs.aws.amazon.com/iot-device-defender/latest/devguide/detect-device-side-metrics.html).
 *
 * <p>Workflow: build a {@link dev.thingbridge.defender.MetricsReport} (header with an epoch-based, strictly
 * increasing report id from {@link dev.thingbridge.defender.ReportIds}; standard metrics by hand or from
 * Linux's {@code /proc/net} with {@link dev.thingbridge.defender.LinuxNetworkMetrics}; custom metrics of the four
 * AWS types) and publish it with a {@link dev.thingbridge.defender.DefenderReporter} in JSON or CBOR, short or
 * long names, for the gateway's own thing or on behalf of the MCUs behind it, once or on a jittered schedule.
 * Absent members are left out rather than sent as {@code null}. The reporter waits for accepted or rejected
 * with a timeout and types the rejection codes.
 */
package dev.thingbridge.defender;
