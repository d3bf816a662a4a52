package dev.thingbridge.twin.web;

import java.io.IOException;

/**
 * Where one client's server-sent events go: the body of one open HTTP response. Written by the client's own
 * writer thread only.
 */
interface EventSink {
  /** Writes and flushes; blocks while the peer does not read. */
  void write(byte[] bytes) throws IOException;

  /** Ends the response (and with it the connection). */
  void close();
}
