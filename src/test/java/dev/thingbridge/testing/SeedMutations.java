package dev.thingbridge.testing;

import java.util.List;
import java.util.Random;

/**
 * Small random edits of seed documents (a character deleted, inserted or replaced, one to three times), for
 * the fixed-seed sweeps that fuzz targets run in every {@code mvn test}.
 */
public final class SeedMutations {
  private SeedMutations() {}

  /** One mutation of a random seed, with characters drawn from {@code alphabet}. */
  public static String mutate(List<String> seeds, Random random, String alphabet) {
    StringBuilder doc = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
    for (int e = 0, edits = 1 + random.nextInt(3); e < edits && doc.length() > 0; e++) {
      int at = random.nextInt(doc.length());
      switch (random.nextInt(3)) {
        case 0 -> doc.deleteCharAt(at);
        case 1 -> doc.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        default -> doc.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    return doc.toString();
  }
}
