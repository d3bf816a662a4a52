/**
 * The wire model of the AWS IoT Jobs MQTT API: one record per request, reply and notification, with the
 * API's limits ({@link dev.thingbridge.jobs.model.JobLimits}). Encoded and decoded by {@link
 * dev.thingbridge.jobs.JobCodec}; unknown fields are ignored and unknown statuses decode to {@code UNKNOWN}.
 */
package dev.thingbridge.jobs.model;
