/**
 * The twin's thing registry ({@link dev.thingbridge.twin.things.ThingRegistry}) and its control plane
 * ({@link dev.thingbridge.twin.things.ThingsService}: CreateThing, DescribeThing, ListThings), with ARNs of
 * a configurable region and account. Services that resolve thing ARNs get the registry explicitly.
 */
package dev.thingbridge.twin.things;
