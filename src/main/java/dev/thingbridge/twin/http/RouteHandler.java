package dev.thingbridge.twin.http;

/** Answers one control-plane request. Throws {@link AwsApiException} for AWS-shaped errors. */
@FunctionalInterface
public interface RouteHandler {
  ApiResponse handle(ApiRequest request);
}
