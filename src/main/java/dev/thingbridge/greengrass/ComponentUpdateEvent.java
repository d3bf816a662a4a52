package dev.thingbridge.greengrass;

import java.util.Objects;

/**
 * A Greengrass deployment is about to update components ({@code PreComponentUpdateEvent}) or has just done
 * so ({@code PostComponentUpdateEvent}). Before an update the component may answer with
 * {@link GreengrassIpc#deferComponentUpdate}.
 *
 * @param deploymentId the deployment's id
 * @param before true for the pre-update event, false for the post-update event
 * @param nucleusRestarting whether the nucleus itself will restart (pre-update only; false otherwise)
 */
public record ComponentUpdateEvent(String deploymentId, boolean before, boolean nucleusRestarting) {
  public ComponentUpdateEvent {
    Objects.requireNonNull(deploymentId, "deploymentId");
  }
}
