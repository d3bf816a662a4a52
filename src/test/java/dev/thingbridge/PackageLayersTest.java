package dev.thingbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of {@code src/main}, read from the sources: cli → component → services → mqtt → internal, with the
 * Greengrass IPC ({@code greengrass}) beside the services: on mqtt and internal, used by component and cli only.
 * The twin sits beside the services on mqtt and internal only, the sibling client library on them too. Every import and fully qualified reference between two
 * capabilities must point down (or sideways where named below); so the capabilities also form no cycle.
 */
class PackageLayersTest {
  private static final Set<String> SERVICES =
      Set.of("jobs", "commands", "shadows", "provisioning", "defender", "transfer", "mcu");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.thingbridge\\.([a-z]+)\\.");

  /** What each capability may use besides itself. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "internal", Set.of(),
      "mqtt", Set.of("internal"),
      "greengrass", Set.of("mqtt", "internal"),
      "twin", Set.of("mqtt", "internal"),
      "sibling", Set.of("mqtt", "internal"),
      "component", union(SERVICES, Set.of("mqtt", "greengrass", "internal", "sibling")));

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Set<String> allowed(String capability) {
    if (SERVICES.contains(capability)) {
      // Services built on another, one way only: OTA rides on the jobs agent (transfer uses jobs), and an MCU's
      // firmware goes through OTA as a platform (mcu uses transfer). No other service uses another.
      return switch (capability) {
        case "transfer" -> Set.of("mqtt", "internal", "jobs");
        case "mcu" -> Set.of("mqtt", "internal", "transfer", "jobs");
        default -> Set.of("mqtt", "internal");
      };
    }
    return ALLOWED.get(capability);
  }

  @Test
  void every_reference_between_capabilities_points_down_the_layers() throws IOException {
    Path root = Path.of("src/main/java/dev/thingbridge");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String capability = root.relativize(file).getName(0).toString();
        if (capability.equals("cli") || capability.endsWith(".java")) {
          continue; // the top layer may use anything
        }
        Set<String> ok = allowed(capability);
        assertThat(ok).as("%s belongs to a known layer; add a new capability to this test", capability).isNotNull();
        String text = Files.readString(file).replaceAll("//[^\\n]*", "");
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
          String target = m.group(1);
          if (!target.equals(capability) && !ok.contains(target)) {
            violations.add(root.relativize(file) + " -> " + target);
          }
        }
      }
    }
    assertThat(violations).as("references up or across the layers").isEmpty();
  }
}
