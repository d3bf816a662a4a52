/**
 * The wire model of the AWS IoT Jobs MQTT API: one record per request, reply and notification, with the
 * API's limits ({@link dev.thingbridge.jobs.model.JobLimits}). Encoded and decoded by {@code JobCodec}
 * (package {@code jobs}, which this package does not import); unknown fields are ignored and unknown statuses decode to {@code UNKNOWN}.
 */
package dev.thingbridge.jobs.model;
