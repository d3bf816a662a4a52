package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Reads the OTA part of a job document. The default, {@link #AFR_OTA}, reads AWS's {@code afr_ota} key; give
 * your own to run OTA jobs written in a format of yours (the fields may live anywhere in the document).
 */
@FunctionalInterface
public interface OtaDocumentAdapter {
  /** Documents with a top-level {@code afr_ota} object, as CreateOTAUpdate writes them. */
  OtaDocumentAdapter AFR_OTA = AfrOtaDocument::fromJobDocument;

  /**
   * The OTA request in a job document.
   *
   * @return empty when the document is not an OTA job at all (it is then left to other handlers)
   * @throws OtaDocumentException when it is an OTA job but a malformed one (the job is then REJECTED)
   */
  Optional<OtaDocument> read(JsonNode jobDocument);
}
