package dev.thingbridge.component;

import java.util.regex.Pattern;

/**
 * Matches a topic against an {@code accessControl} resource the way the Greengrass nucleus authorises IPC
 * calls (nucleus 2.6+), written from its documented behaviour:
 *
 * <ul>
 *   <li>{@link #mqtt} ({@code aws.greengrass.ipc.mqttproxy}): {@code +} as a whole level matches one level;
 *       {@code #} as the whole last level matches any number of levels, including none ({@code a/#} matches
 *       {@code a}); {@code *} anywhere matches any characters, {@code /} included; {@code +} or {@code #}
 *       inside a level are plain characters.
 *   <li>{@link #glob} ({@code aws.greengrass.ipc.pubsub}, ShadowManager): only {@code *} is special.
 *   <li>Both: {@code ${c}} stands for the literal character {@code c} ({@code ${*}}, {@code ${$}}, ...).
 * </ul>
 *
 * <p>The topic is matched as a string, so a subscription filter such as {@code $aws/things/t/jobs/+/get/+}
 * is allowed by any resource that matches those characters.
 */
final class NucleusResourceMatcher {
  private NucleusResourceMatcher() {}

  static boolean mqtt(String resource, String topic) {
    return toRegex(resource, true).matcher(topic).matches();
  }

  static boolean glob(String resource, String topic) {
    return toRegex(resource, false).matcher(topic).matches();
  }

  private static Pattern toRegex(String resource, boolean mqttStyle) {
    if (mqttStyle && resource.equals("#")) {
      return Pattern.compile(".*", Pattern.DOTALL);
    }
    String[] levels = resource.split("/", -1);
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      boolean last = i == levels.length - 1;
      if (mqttStyle && last && level.equals("#") && i > 0) {
        re.append("(?:/.*)?");
        break;
      }
      if (i > 0) {
        re.append('/');
      }
      if (mqttStyle && level.equals("+")) {
        re.append("[^/]*");
      } else {
        appendGlob(re, level);
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  private static void appendGlob(StringBuilder re, String level) {
    for (int i = 0; i < level.length(); i++) {
      char c = level.charAt(i);
      if (c == '$' && i + 3 < level.length() && level.charAt(i + 1) == '{' && level.charAt(i + 3) == '}') {
        re.append(Pattern.quote(String.valueOf(level.charAt(i + 2))));
        i += 3;
      } else if (c == '*') {
        re.append(".*");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
  }
}
