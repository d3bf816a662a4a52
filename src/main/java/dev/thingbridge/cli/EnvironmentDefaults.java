package dev.thingbridge.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/** Picocli's default values from the environment, for options marked with {@link EnvironmentDefault}. */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String variable = variableOf(arg);
    if (variable == null) {
      return null;
    }
    String value = environment.get(variable);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** The variable an option reads, or null. */
  static String variableOf(ArgSpec arg) {
    if (arg.userObject() instanceof AnnotatedElement element) {
      EnvironmentDefault marker = element.getAnnotation(EnvironmentDefault.class);
      return marker == null ? null : marker.value();
    }
    return null;
  }
}
