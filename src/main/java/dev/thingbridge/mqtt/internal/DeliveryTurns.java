package dev.thingbridge.mqtt.internal;

/**
 * A client that delivers inbound messages in turns, a turn being what its network thread read in one go, and
 * says when each turn ends. A {@link HandOffListener} that handles messages on the delivering thread can then
 * defer work that is cheaper done once per turn than once per message (the twin commits a turn's requests in
 * one transaction), knowing that what it publishes before the turn ends leaves in the same write.
 */
public interface DeliveryTurns {
  /**
   * Runs {@code onTurnEnd} on the delivering thread at the end of every turn in which at least one message was
   * delivered, before that turn's packets are written. It must not block for long: the connection waits.
   */
  void onTurnEnd(Runnable onTurnEnd);
}
