package dev.thingbridge.twin.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.S3Location;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import dev.thingbridge.twin.streams.StreamsService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * One file of a CreateOTAUpdate request, resolved: where its bytes are (an S3 location read as a local file, or
 * a file of an existing stream), and its signature for the job document (passed through from {@code
 * customCodeSigning}, or made by the twin for a {@code file://} certificate ARN).
 *
 * @param index its position in the request
 * @param fileName {@code fileName}, the job document's {@code filepath}
 * @param fileType {@code fileType}, or null
 * @param source its bytes
 * @param s3 its S3 location, or null when it comes from a stream
 * @param streamId the stream it comes from, or null
 * @param streamFileId its id in that stream
 * @param signatureKey the document key of its signature ({@code sig-sha256-ecdsa}), or null when unsigned
 * @param signature the signature, base64, or null
 * @param certfile the {@code certfile} for the document, or null
 */
record OtaFilePlan(int index, String fileName, Integer fileType, FileSource source, S3Location s3,
    String streamId, int streamFileId, String signatureKey, String signature, String certfile) {

  /** Reads one entry of {@code files}. */
  public static OtaFilePlan of(JsonNode f, int index, StreamsService streams) {
    String where = "files[" + index + "]";
    if (!f.isObject()) {
      throw AwsApiException.invalidRequest(where + " must be an object");
    }
    String name = ApiJson.text(f, "fileName");
    if (name == null || name.isBlank()) {
      throw AwsApiException.invalidRequest(where + ".fileName is required by the twin (it is the device's filepath)");
    }
    Integer type = null;
    JsonNode t = f.get("fileType");
    if (t != null && !t.isNull()) {
      if (!t.isIntegralNumber() || t.asInt() < 0 || t.asInt() > 255) {
        throw AwsApiException.invalidRequest(where + ".fileType must be 0-255");
      }
      type = t.asInt();
    }
    JsonNode loc = f.path("fileLocation");
    FileSource source;
    S3Location s3 = null;
    String streamId = null;
    int streamFileId = 0;
    if (loc.hasNonNull("s3Location")) {
      s3 = S3Location.fromJson(loc.get("s3Location"));
      source = streams.s3().source(s3);
    } else if (loc.hasNonNull("stream")) {
      streamId = ApiJson.text(loc.get("stream"), "streamId");
      streamFileId = loc.get("stream").path("fileId").asInt(0);
      StreamDefinition d = streams.describeStream(streamId);
      StreamFile sf = d.file(streamFileId);
      if (sf == null) {
        throw AwsApiException.invalidRequest(where + ": stream " + streamId + " has no file " + streamFileId);
      }
      source = sf.source();
    } else {
      throw AwsApiException.invalidRequest(where + ".fileLocation needs s3Location or stream");
    }
    JsonNode signing = f.path("codeSigning");
    String[] sig = signature(signing, source, where);
    return new OtaFilePlan(index, name, type, source, s3, streamId, streamFileId, sig[0], sig[1], sig[2]);
  }

  /** {key, base64, certfile} of the file's signature, or nulls when it is not signed. */
  private static String[] signature(JsonNode signing, FileSource source, String where) {
    if (signing.hasNonNull("awsSignerJobId")) {
      throw AwsApiException.invalidRequest(where + ": awsSignerJobId is not supported by the twin; use "
          + "customCodeSigning, or startSigningJobParameter with a file:// certificateArn");
    }
    JsonNode custom = signing.get("customCodeSigning");
    if (custom != null && !custom.isNull()) {
      String inline = custom.path("signature").path("inlineDocument").asText(null);
      if (inline == null) {
        throw AwsApiException.invalidRequest(where + ": customCodeSigning.signature.inlineDocument is required");
      }
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(inline);
      } catch (IllegalArgumentException e) {
        throw AwsApiException.invalidRequest(where + ": customCodeSigning.signature.inlineDocument is not base64");
      }
      String hash = custom.path("hashAlgorithm").asText("SHA256").toLowerCase(Locale.ROOT).replace("-", "");
      String alg = custom.path("signatureAlgorithm").asText("ECDSA").toLowerCase(Locale.ROOT);
      return new String[] {"sig-" + hash + "-" + alg, Base64.getEncoder().encodeToString(bytes),
          custom.path("certificateChain").path("certificateName").asText(null)};
    }
    JsonNode start = signing.get("startSigningJobParameter");
    if (start != null && !start.isNull()) {
      JsonNode profile = start.path("signingProfileParameter");
      String arn = profile.path("certificateArn").asText(null);
      if (!TwinCodeSigner.isLocal(arn)) {
        throw AwsApiException.invalidRequest(where + ": the twin signs only with a file:// certificateArn (a PEM "
            + "holding the certificate and its PKCS#8 key)");
      }
      Path file = source.path();
      if (file == null) {
        throw AwsApiException.invalidRequest(where + ": the twin can only sign a file on disk");
      }
      TwinCodeSigner.Signed s = TwinCodeSigner.sign(arn, file);
      return new String[] {s.documentKey(), s.base64(), profile.path("certificatePathOnDevice").asText(null)};
    }
    return new String[] {null, null, null};
  }

  /** Its entry of {@code afr_ota.files}. */
  public ObjectNode documentEntry(int fileId, String url) {
    ObjectNode e = ApiJson.MAPPER.createObjectNode();
    e.put("filepath", fileName);
    try {
      e.put("filesize", source.size());
    } catch (IOException ex) {
      throw new AwsApiException(500, "InternalFailureException", "cannot read " + fileName + ": " + ex.getMessage());
    }
    e.put("fileid", fileId);
    if (certfile != null) {
      e.put("certfile", certfile);
    } else {
      e.putNull("certfile");
    }
    if (fileType != null) {
      e.put("fileType", fileType);
    }
    if (url != null) {
      e.put("update_data_url", url);
      e.put("auth_scheme", "aws.s3.presigned");
    }
    if (signatureKey != null) {
      e.put(signatureKey, signature);
    }
    return e;
  }
}
