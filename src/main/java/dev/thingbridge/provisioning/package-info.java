/**
 * AWS IoT Fleet Provisioning by claim on the device
 * (https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html).
 *
 * <p>Workflow: connected with the claim certificate, a {@link dev.thingbridge.provisioning.FleetProvisioner}
 * gets the device a certificate of its own (CreateKeysAndCertificate, or CreateCertificateFromCsr with an EC
 * P-256 or RSA 2048 key made on the device, or the user's CSR), hands it to a {@link
 * dev.thingbridge.provisioning.CredentialStore} (files written atomically, the key 0600) and calls
 * RegisterThing with the template's parameters; the template's {@code deviceConfiguration} comes back decoded
 * into the caller's type. The device then reconnects with its new certificate. JSON or CBOR is chosen at run
 * time; each step has a timeout, throttling and timeouts are retried with backoff, and a rejection surfaces as
 * a {@link dev.thingbridge.provisioning.ProvisioningRejectedException} with {@code statusCode}, {@code
 * errorCode} and {@code errorMessage}.
 *
 * <p>Caveat: the API has no client token. On AWS IoT Core the replies reach only the requesting connection;
 * on a shared broker (the local twin on Mosquitto) thingbridge tells its replies apart by MQTT 5 correlation
 * data, which the twin echoes, and, for a CSR, by the key in the certificate.
 */
package dev.thingbridge.provisioning;
