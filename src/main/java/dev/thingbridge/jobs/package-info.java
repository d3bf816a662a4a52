/**
 * AWS IoT Jobs on the device (https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html).
 *
 * <p>Workflow:
 *
 * <ol>
 *   <li>{@link dev.thingbridge.jobs.JobAgent} subscribes to {@code $aws/things/{thing}/jobs/notify-next}
 *       and describes {@code $next}.
 *   <li>For each new execution it claims it (IN_PROGRESS, conditional on {@code expectedVersion}) and hands
 *       it once to a {@link dev.thingbridge.jobs.JobHandler}, or to a {@link dev.thingbridge.jobs.JobHandlers}
 *       registry dispatching on the document's {@code operation} field.
 *   <li>The handler reports progress and returns SUCCEEDED, FAILED or REJECTED; the agent sends it at QoS 1
 *       and waits for {@code accepted} or {@code rejected}.
 *   <li>A cancel in the cloud (notify-next stops naming the job) reaches the handler; a restart hands the
 *       execution back as resumed.
 * </ol>
 *
 * <p>{@link dev.thingbridge.jobs.JobClient} sends the four operations directly (the CLI's {@code jobs next,
 * list, describe, update}); {@link dev.thingbridge.jobs.JobTopics} formats and parses every topic. Caveats:
 * Greengrass deployments use namespaced job topics the agent does not see; statusDetails are limited to 10
 * string entries of 1024 characters.
 */
package dev.thingbridge.jobs;
