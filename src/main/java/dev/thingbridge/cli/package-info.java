/**
 * The {@code thingbridge} command line (picocli): one command per capability ({@code shadow}, {@code jobs},
 * {@code commands}, {@code provision}, {@code defender}, {@code ota}, {@code mcu}, {@code mqtt}), the component's
 * {@code run}, the local twin ({@code twin}) and {@code local}, which runs broker, twin and device together.
 * Options come from one vocabulary ({@code Conventions}); a bad input is a one-line
 * {@link dev.thingbridge.cli.UsageException} with exit code 2 ({@link dev.thingbridge.cli.ExitCodes}).
 *
 * <p>Layering: the top layer. It may import every other package; nothing imports it.
 */
package dev.thingbridge.cli;
