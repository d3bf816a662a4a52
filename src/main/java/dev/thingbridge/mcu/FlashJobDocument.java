package dev.thingbridge.mcu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.transfer.AfrOtaDocument;
import dev.thingbridge.transfer.OtaDocument;
import dev.thingbridge.transfer.OtaDocumentAdapter;
import dev.thingbridge.transfer.OtaDocumentException;
import dev.thingbridge.transfer.OtaFile;
import dev.thingbridge.transfer.OtaProtocol;
import dev.thingbridge.transfer.SignatureAlgorithm;
import dev.thingbridge.transfer.SignatureVerifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code flash} job for an MCU's thing: one MCUboot image, named by where it is, pinned by its SHA-256, optionally
 * signed. It runs the same resumable flow as an {@code afr_ota} job (download with checkpoints, checks, flash,
 * health check, confirm or revert) and is simpler to write by hand:
 *
 * <pre>{@code
 * {"operation": "flash",
 *  "image": {"url": "https://example.com/fw/app-1.4.0.bin",       // or "stream": "fw-1.4.0" (+ "fileId": 0)
 *            "size": 181234,                                       // or "file": "images/app-1.4.0.bin"
 *            "sha256": "3f1c…(64 hex digits)",
 *            "signature": {"algorithm": "sig-sha256-ecdsa", "value": "MEUCIQ…"}}}   // optional
 * }</pre>
 *
 * <p>Exactly one of {@code url} (HTTP(S), fetched with range requests), {@code stream} (an AWS IoT MQTT stream,
 * file {@code fileId}, default 0) or {@code file} (a relative path under the directory the updater reads local
 * files from) names the image. {@code size} and {@code sha256} are required; {@code signature} is checked against
 * the OTA signing certificate when present. Unknown keys are refused (a typo such as {@code sha-256} must not
 * silently drop a check). A malformed document is REJECTED with the first problem.
 */
public final class FlashJobDocument implements OtaDocument {
  /** The {@code operation} of a flash job. */
  public static final String OPERATION = "flash";

  /** Reads {@code flash} jobs, and {@code afr_ota} jobs as {@link OtaDocumentAdapter#AFR_OTA} does. */
  public static final OtaDocumentAdapter FLASH_OR_AFR_OTA = document -> {
    Optional<FlashJobDocument> flash = fromJobDocument(document);
    return flash.isPresent() ? flash.map(d -> (OtaDocument) d) : AfrOtaDocument.fromJobDocument(document);
  };

  /**
   * The verifier of an MCU's images: a signed image is checked by {@code signatures} (the OTA signing
   * certificate); an unsigned one is accepted only when its job pins its SHA-256, which the download has checked by
   * then. Either way MCUboot checks the image's own hash (and its signature, if the bootloader is built to) before
   * it boots it.
   */
  public static SignatureVerifier signedOrPinned(SignatureVerifier signatures) {
    java.util.Objects.requireNonNull(signatures, "signatures");
    return f -> f.signature().isEmpty() && f.sha256() != null ? SignatureVerifier.NONE.begin(f) : signatures.begin(f);
  }

  private static final Set<String> KEYS = Set.of("url", "stream", "fileId", "file", "size", "sha256", "signature");

  private final OtaProtocol protocol;
  private final String stream;
  private final String localPath;
  private final OtaFile file;

  private FlashJobDocument(OtaProtocol protocol, String stream, String localPath, OtaFile file) {
    this.protocol = protocol;
    this.stream = stream;
    this.localPath = localPath;
    this.file = file;
  }

  /**
   * The flash request of a whole job document: empty when its {@code operation} is not {@code flash}.
   *
   * @throws OtaDocumentException when it is a flash job but a malformed one
   */
  public static Optional<FlashJobDocument> fromJobDocument(JsonNode document) {
    if (document == null || !document.isObject() || !OPERATION.equals(document.path("operation").asText(null))) {
      return Optional.empty();
    }
    return Optional.of(parse(document.get("image")));
  }

  /**
   * Parses the {@code image} object.
   *
   * @throws OtaDocumentException naming the first problem
   */
  public static FlashJobDocument parse(JsonNode image) {
    if (image == null || !image.isObject()) {
      throw bad("image must be an object with url, stream or file, size and sha256");
    }
    for (Iterator<String> it = image.fieldNames(); it.hasNext();) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw bad("image." + key + " is not a known key (url, stream, fileId, file, size, sha256, signature)");
      }
    }
    List<String> sources = List.of("url", "stream", "file").stream().filter(image::has).toList();
    if (sources.size() != 1) {
      throw bad("image must name the image by exactly one of url, stream or file" + (sources.isEmpty() ? ""
          : ", not " + String.join(" and ", sources)));
    }
    long size = size(image.get("size"));
    String sha256 = text(image, "sha256");
    if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
      throw bad("image.sha256 must be the image's SHA-256 as 64 hex digits");
    }
    Map<SignatureAlgorithm, String> signatures = signature(image.get("signature"));
    String source = sources.get(0);
    String value = text(image, source);
    if (value == null || value.isBlank()) {
      throw bad("image." + source + " must be a non-empty string");
    }
    if (!source.equals("stream") && image.has("fileId")) {
      throw bad("image.fileId goes with image.stream only");
    }
    return switch (source) {
      case "url" -> new FlashJobDocument(OtaProtocol.HTTP, null, null,
          file(name(url(value)), size, 0, value, signatures, sha256));
      case "stream" -> new FlashJobDocument(OtaProtocol.MQTT, value, null,
          file(value, size, fileId(image.get("fileId")), null, signatures, sha256));
      default -> new FlashJobDocument(OtaProtocol.FILE, null, relativePath(value),
          file(Path.of(value).getFileName().toString(), size, 0, null, signatures, sha256));
    };
  }

  private static OtaFile file(String name, long size, int fileId, String url, Map<SignatureAlgorithm, String> sigs,
      String sha256) {
    return new OtaFile(0, name, size, fileId, null, url, null, sigs, OtaFile.FIRMWARE, null,
        sha256.toLowerCase(java.util.Locale.ROOT));
  }

  private static URI url(String value) {
    try {
      URI u = new URI(value);
      if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("https") || u.getScheme().equalsIgnoreCase("http"))
          || u.getHost() == null) {
        throw bad("image.url must be an http or https URL with a host");
      }
      return u;
    } catch (URISyntaxException e) {
      throw bad("image.url is not a URL: " + e.getReason());
    }
  }

  /** The URL's last path segment, never its query (pre-signed URLs carry credentials there). */
  private static String name(URI u) {
    String path = u.getPath() == null ? "" : u.getPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.isEmpty() ? "image" : last;
  }

  private static String relativePath(String value) {
    try {
      Path p = Path.of(value).normalize();
      if (p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty()) {
        throw bad("image.file must be a relative path inside the component's image directory, without '..': "
            + value);
      }
      return p.toString();
    } catch (InvalidPathException e) {
      throw bad("image.file is not a path: " + e.getReason());
    }
  }

  private static long size(JsonNode v) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
      throw bad("image.size must be the image's size in bytes, a whole number of at least 1");
    }
    return v.asLong();
  }

  private static int fileId(JsonNode v) {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 255) {
      throw bad("image.fileId must be a whole number from 0 to 255");
    }
    return v.asInt();
  }

  private static Map<SignatureAlgorithm, String> signature(JsonNode s) {
    if (s == null || s.isNull()) {
      return Map.of();
    }
    if (!s.isObject()) {
      throw bad("image.signature must be an object {\"algorithm\": \"sig-sha256-ecdsa\", \"value\": base64}");
    }
    String algorithm = text(s, "algorithm");
    SignatureAlgorithm a = SignatureAlgorithm.fromDocumentKey(algorithm == null ? "" : algorithm).orElseThrow(() ->
        bad("image.signature.algorithm must be sig-sha256-ecdsa or sig-sha256-rsa, not " + algorithm));
    if (a.isSha1()) {
      throw bad("image.signature.algorithm " + algorithm + " uses SHA-1; sign with sig-sha256-ecdsa or sig-sha256-rsa");
    }
    String value = text(s, "value");
    try {
      if (value == null || value.isBlank() || Base64.getMimeDecoder().decode(value).length == 0) {
        throw bad("image.signature.value must be the signature in base64");
      }
    } catch (IllegalArgumentException e) {
      throw bad("image.signature.value is not base64: " + e.getMessage());
    }
    return Map.of(a, value);
  }

  private static String text(JsonNode o, String key) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad("image." + key + " must be a string");
    }
    return v.asText();
  }

  private static OtaDocumentException bad(String message) {
    return new OtaDocumentException("flash job: " + message);
  }

  /** The image, as the OTA flow's one file (firmware, index 0). */
  public OtaFile image() {
    return file;
  }

  @Override
  public Set<OtaProtocol> protocols() {
    return Set.of(protocol);
  }

  @Override
  public Optional<String> streamName() {
    return Optional.ofNullable(stream);
  }

  @Override
  public List<OtaFile> files() {
    return List.of(file);
  }

  @Override
  public Optional<String> localPath(OtaFile f) {
    return f.index() == 0 ? Optional.ofNullable(localPath) : Optional.empty();
  }

  @Override
  public String toString() {
    return "FlashJobDocument[" + protocol + ", " + file + "]";
  }
}
