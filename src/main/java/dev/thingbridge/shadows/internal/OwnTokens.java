package dev.thingbridge.shadows.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clientTokens of the latest requests a shadow (or a manager of many) sent itself, so that the
 * {@code update/delta} an update of ours caused and the {@code delete/accepted} of our own delete (they carry our
 * token) are recognised as echoes. Exact tokens, not a thing-name prefix: another client updating the same shadow
 * under the same thing name is not mistaken for us. Not thread-safe: used on its owner's thread.
 */
public final class OwnTokens {
  private final Map<String, Boolean> recent;

  public OwnTokens(int capacity) {
    this.recent = new LinkedHashMap<>(16, 0.75f, false) {
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
