package dev.thingbridge.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code afr_ota} job document, as AWS IoT's CreateOTAUpdate writes it and the FreeRTOS OTA agent reads it:
 *
 * <pre>{@code
 * {"afr_ota": {"protocols": ["MQTT"], "streamname": "AFR_OTA-1234",
 *   "files": [{"filepath": "fw.bin", "filesize": 100000, "fileid": 0, "certfile": "cert.pem",
 *              "fileType": 0, "sig-sha256-ecdsa": "MEUCIQD..."}]}}
 * }</pre>
 *
 * <p>Reading is lenient where devices in the field met variation: numbers may come as strings, unknown keys
 * and explicit nulls are ignored, protocol names are case-insensitive, several files are allowed. It is strict
 * where running the job would go wrong: no known protocol, no files, a missing or zero {@code filesize}, a
 * negative or fractional number, a file id outside 0-255, a stream-less MQTT-only job.
 */
public final class AfrOtaDocument implements OtaDocument {
  /** The key of the OTA part of a job document. */
  public static final String KEY = "afr_ota";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<OtaProtocol> protocols;
  private final String streamName;
  private final List<OtaFile> files;

  /** A document with these parts (checked as a parsed one is). */
  public AfrOtaDocument(Set<OtaProtocol> protocols, String streamName, List<OtaFile> files) {
    this.protocols = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(protocols, "protocols")));
    this.streamName = streamName == null || streamName.isEmpty() ? null : streamName;
    this.files = List.copyOf(Objects.requireNonNull(files, "files"));
    if (this.protocols.isEmpty()) {
      throw new OtaDocumentException("afr_ota.protocols names no supported protocol (MQTT or HTTP)");
    }
    if (this.files.isEmpty()) {
      throw new OtaDocumentException("afr_ota.files is empty");
    }
    if (this.streamName == null && !this.protocols.contains(OtaProtocol.HTTP)) {
      throw new OtaDocumentException("afr_ota.streamname is required for MQTT delivery");
    }
  }

  /**
   * The OTA part of a whole job document: empty when it has no {@code afr_ota} object.
   *
   * @throws OtaDocumentException when {@code afr_ota} is there but malformed
   */
  public static Optional<OtaDocument> fromJobDocument(JsonNode jobDocument) {
    JsonNode ota = jobDocument == null ? null : jobDocument.get(KEY);
    if (ota == null || ota.isNull()) {
      return Optional.empty();
    }
    return Optional.of(parse(ota));
  }

  /**
   * Parses the JSON text of a whole job document ({@code {"afr_ota": {...}}}).
   *
   * @throws OtaDocumentException when it is not JSON, has no {@code afr_ota} or it is malformed
   */
  public static AfrOtaDocument parseJobDocument(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new OtaDocumentException("the job document is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || root.get(KEY) == null) {
      throw new OtaDocumentException("the job document has no " + KEY + " object");
    }
    return parse(root.get(KEY));
  }

  /**
   * Parses the {@code afr_ota} object itself.
   *
   * @throws OtaDocumentException when it is malformed
   */
  public static AfrOtaDocument parse(JsonNode ota) {
    if (ota == null || !ota.isObject()) {
      throw new OtaDocumentException(KEY + " must be an object");
    }
    Set<OtaProtocol> protocols = new LinkedHashSet<>();
    JsonNode p = ota.get("protocols");
    if (p != null && p.isTextual()) {
      OtaProtocol.fromWire(p.asText()).ifPresent(protocols::add);
    } else if (p != null && p.isArray()) {
      for (JsonNode n : p) {
        if (n.isTextual()) {
          OtaProtocol.fromWire(n.asText()).ifPresent(protocols::add);
        }
      }
    } else {
      throw new OtaDocumentException("afr_ota.protocols must be an array of \"MQTT\" and/or \"HTTP\"");
    }
    String stream = text(ota, "streamname", "afr_ota.streamname");
    JsonNode f = ota.get("files");
    if (f == null || !f.isArray()) {
      throw new OtaDocumentException("afr_ota.files must be an array");
    }
    List<OtaFile> files = new ArrayList<>();
    for (int i = 0; i < f.size(); i++) {
      files.add(file(f.get(i), i));
    }
    return new AfrOtaDocument(protocols, stream, files);
  }

  private static OtaFile file(JsonNode e, int index) {
    String where = "afr_ota.files[" + index + "]";
    if (!e.isObject()) {
      throw new OtaDocumentException(where + " must be an object");
    }
    String path = text(e, "filepath", where + ".filepath");
    if (path == null || path.isEmpty()) {
      throw new OtaDocumentException(where + ".filepath is missing");
    }
    Long size = number(e, "filesize", where);
    if (size == null) {
      throw new OtaDocumentException(where + ".filesize is missing");
    }
    if (size == 0) {
      throw new OtaDocumentException(where + ".filesize is 0");
    }
    Long id = number(e, "fileid", where);
    if (id != null && id > 255) {
      throw new OtaDocumentException(where + ".fileid must be 0-255: " + id);
    }
    Long type = number(e, "fileType", where);
    if (type != null && type > 0xFFFF_FFFFL) {
      throw new OtaDocumentException(where + ".fileType must fit 32 bits: " + type);
    }
    Map<SignatureAlgorithm, String> signatures = new EnumMap<>(SignatureAlgorithm.class);
    for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Optional<SignatureAlgorithm> alg = SignatureAlgorithm.fromDocumentKey(key);
      if (alg.isPresent()) {
        String sig = text(e, key, where + "." + key);
        if (sig != null && !sig.isBlank()) {
          signatures.put(alg.get(), sig);
        }
      }
    }
    String sha256 = text(e, "sha256", where + ".sha256");
    if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
      throw new OtaDocumentException(where + ".sha256 must be 64 hex digits");
    }
    return new OtaFile(index, path, size, id == null ? 0 : id.intValue(), text(e, "certfile", where + ".certfile"),
        text(e, "update_data_url", where + ".update_data_url"), text(e, "auth_scheme", where + ".auth_scheme"),
        signatures, type == null ? null : (int) (long) type, number(e, "attr", where), sha256);
  }

  private static String text(JsonNode o, String field, String where) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new OtaDocumentException(where + " must be a string");
    }
    return v.asText();
  }

  /** A non-negative whole number, given as a JSON number or a string of digits; null when absent. */
  private static Long number(JsonNode o, String field, String where) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    BigInteger n;
    if (v.isIntegralNumber()) {
      n = v.bigIntegerValue();
    } else if (v.isTextual() && v.asText().trim().matches("\\d{1,19}")) {
      n = new BigInteger(v.asText().trim());
    } else {
      throw new OtaDocumentException(where + "." + field + " must be a whole number");
    }
    if (n.signum() < 0 || n.bitLength() > 63) {
      throw new OtaDocumentException(where + "." + field + " is out of range: " + n);
    }
    return n.longValue();
  }

  @Override
  public Set<OtaProtocol> protocols() {
    return protocols;
  }

  @Override
  public Optional<String> streamName() {
    return Optional.ofNullable(streamName);
  }

  @Override
  public List<OtaFile> files() {
    return files;
  }

  @Override
  public String toString() {
    return "AfrOtaDocument[" + protocols + ", stream " + streamName + ", " + files + "]";
  }
}
