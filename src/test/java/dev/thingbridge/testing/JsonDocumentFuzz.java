package dev.thingbridge.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import java.util.function.Function;

/** What the job-document fuzz tests share: how the fuzzer's bytes become a document, and JSON parsing. */
public final class JsonDocumentFuzz {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonDocumentFuzz() {}

  /**
   * Half the inputs are documents built from the fuzzer's seed by {@code structured} (so that the reader gets past
   * its first checks), half are the raw bytes as text.
   */
  public static String text(FuzzedDataProvider data, Function<Random, String> structured) {
    return data.consumeBoolean() ? structured.apply(new Random(data.consumeLong())) : data.consumeRemainingAsString();
  }

  /** The parsed text, or null when it is not JSON (the reader under test never sees such input). */
  public static JsonNode parseOrNull(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
