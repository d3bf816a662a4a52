package dev.thingbridge.transfer;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an OTA job asks for, whatever the document looks like: the protocols the files can be fetched over,
 * the MQTT stream and the files. {@link AfrOtaDocument} reads AWS's {@code afr_ota} documents; a job format
 * of your own implements these three accessors through an {@link OtaDocumentAdapter}.
 */
public interface OtaDocument {
  /** The protocols the job allows, in the document's order of preference. */
  Set<OtaProtocol> protocols();

  /** The MQTT stream holding the files ({@code streamname}); empty for HTTP-only jobs. */
  Optional<String> streamName();

  /** The files, at least one. */
  List<OtaFile> files();

  /**
   * For {@link OtaProtocol#FILE}: where a file already is on the device, relative to the updater's {@link
   * OtaUpdater.Builder#localFiles} root; empty (the default) when the document does not say.
   */
  default Optional<String> localPath(OtaFile file) {
    return Optional.empty();
  }
}
