/**
 * The twin's AWS-shaped HTTP control plane: the server ({@link dev.thingbridge.twin.http.ControlPlaneServer}),
 * the route table ({@link dev.thingbridge.twin.http.Route}, {@link dev.thingbridge.twin.http.ApiRequest}, {@link
 * dev.thingbridge.twin.http.ApiResponse}), AWS's error shape ({@link dev.thingbridge.twin.http.AwsApiException}),
 * and what every service's routes share: restJson bodies ({@link dev.thingbridge.twin.http.ApiJson}) and
 * {@code nextToken} paging ({@link dev.thingbridge.twin.http.Paging}).
 *
 * <p>A bottom layer of the twin, beside {@code twin.store}: it imports {@code dev.thingbridge.internal} and
 * nothing else of thingbridge; each service's {@code <Package>Routes} builds on it.
 */
package dev.thingbridge.twin.http;
