package dev.thingbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of {@code src/main}, read from the sources: cli → component → services → mqtt → internal, with the
 * Greengrass IPC ({@code greengrass}) beside the services: on mqtt and internal, used by component and cli only.
 * The twin sits beside the services on mqtt and internal only, the sibling client library on them too. Every import and fully qualified reference between two
 * capabilities must point down (or sideways where named below); so the capabilities also form no cycle. Inside a
 * capability, its packages ({@code jobs}, {@code jobs.model}, {@code jobs.internal}, ...) form no cycle either: an
 * {@code internal} package is a layer below (or above) its parent, never both.
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

  private static final Pattern CLASS_REFERENCE =
      Pattern.compile("\\b(dev\\.thingbridge(?:\\.[a-z][a-z0-9]*)+)\\.(?:[A-Z]\\w*|\\*)");

  @Test
  void the_packages_of_src_main_form_no_cycle() throws IOException {
    Map<String, Set<String>> uses = packageGraph(Path.of("src/main/java"));
    Set<String> cycles = new TreeSet<>();
    for (Set<String> component : stronglyConnected(uses)) {
      if (component.size() > 1) {
        cycles.add(String.join(",", new TreeSet<>(component)));
      }
    }
    assertThat(cycles).as("package cycles in src/main (each names the packages that use each other)").isEmpty();
  }

  @Test
  void the_cycle_check_finds_a_package_and_its_internal_using_each_other() {
    Map<String, Set<String>> uses = new TreeMap<>();
    uses.put("a", Set.of("a.internal", "b"));
    uses.put("a.internal", Set.of("a"));
    uses.put("b", Set.of());
    assertThat(stronglyConnected(uses)).contains(Set.of("a", "a.internal"));
    assertThat(stronglyConnected(uses)).noneMatch(c -> c.contains("b") && c.size() > 1);
  }

  /** Package → the packages of {@code dev.thingbridge} its files name (imports and qualified references). */
  private static Map<String, Set<String>> packageGraph(Path sources) throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    Set<String> packages = new TreeSet<>();
    List<Path> javaFiles;
    try (Stream<Path> files = Files.walk(sources)) {
      javaFiles = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    for (Path file : javaFiles) {
      packages.add(sources.relativize(file.getParent()).toString().replace('/', '.'));
    }
    for (Path file : javaFiles) {
      String own = sources.relativize(file.getParent()).toString().replace('/', '.');
      Set<String> targets = uses.computeIfAbsent(own, k -> new TreeSet<>());
      Matcher m = CLASS_REFERENCE.matcher(Files.readString(file).replaceAll("//[^\\n]*", ""));
      while (m.find()) {
        String target = m.group(1);
        // "dev.thingbridge.a.B.C" names class B of package a: the longest known package prefix wins.
        while (!packages.contains(target) && target.contains(".")) {
          target = target.substring(0, target.lastIndexOf('.'));
        }
        if (packages.contains(target) && !target.equals(own)) {
          targets.add(target);
        }
      }
    }
    return uses;
  }

  /** Tarjan's strongly connected components, iteratively (no deep recursion). */
  private static List<Set<String>> stronglyConnected(Map<String, Set<String>> uses) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String root : uses.keySet()) {
      if (index.containsKey(root)) {
        continue;
      }
      Deque<Object[]> work = new ArrayDeque<>();
      work.push(new Object[] {root, List.copyOf(uses.getOrDefault(root, Set.of())).iterator()});
      index.put(root, next[0]);
      low.put(root, next[0]++);
      stack.push(root);
      onStack.add(root);
      while (!work.isEmpty()) {
        Object[] frame = work.peek();
        String v = (String) frame[0];
        @SuppressWarnings("unchecked")
        java.util.Iterator<String> edges = (java.util.Iterator<String>) frame[1];
        if (edges.hasNext()) {
          String w = edges.next();
          if (!index.containsKey(w)) {
            index.put(w, next[0]);
            low.put(w, next[0]++);
            stack.push(w);
            onStack.add(w);
            work.push(new Object[] {w, List.copyOf(uses.getOrDefault(w, Set.of())).iterator()});
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = (String) work.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          Set<String> component = new TreeSet<>();
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!w.equals(v));
          out.add(component);
        }
      }
    }
    return out;
  }
}
