/** The wire records of AWS IoT MQTT-based file delivery (streams), as the device sends and receives them. */
package dev.thingbridge.transfer.model;
