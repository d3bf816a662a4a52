package dev.thingbridge.shadows.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clientTokens of the latest updates a shadow sent itself, so that the {@code update/delta} an update of ours
 * caused (it carries our token) is recognised as an echo. Exact tokens, not a thing-name prefix: another
 * client updating the same shadow under the same thing name is not mistaken for us. Not thread-safe.
 */
public final class OwnTokens {
  private final Map<String, Boolean> recent;

  public OwnTokens(int capacity) {
    this.recent = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  public String add(String token) {
    recent.put(token, Boolean.TRUE);
    return token;
  }

  public boolean contains(String token) {
    return token != null && recent.containsKey(token);
  }
}
