package dev.thingbridge.twin.http;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One control-plane operation: an HTTP method and a path pattern, as in the AWS REST API it imitates.
 *
 * @param operation the AWS operation name, e.g. {@code GetThingShadow} (for logs and errors)
 * @param method {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
 * @param path a regular expression for the whole raw path; named groups become path parameters, e.g.
 *     {@code /things/(?<thingName>[^/]+)/shadow}
 * @param handler what answers it
 */
public record Route(String operation, String method, Pattern path, RouteHandler handler) {
  public Route {
    Objects.requireNonNull(operation);
    Objects.requireNonNull(method);
    Objects.requireNonNull(path);
    Objects.requireNonNull(handler);
  }

  /** A route from a path regular expression. */
  public static Route of(String operation, String method, String pathRegex, RouteHandler handler) {
    return new Route(operation, method, Pattern.compile(pathRegex), handler);
  }
}
