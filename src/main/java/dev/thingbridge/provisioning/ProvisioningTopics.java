package dev.thingbridge.provisioning;

import dev.thingbridge.mqtt.PayloadFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Fleet Provisioning MQTT topics
 * (https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html), formatted and parsed:
 * {@code $aws/certificates/create/{fmt}}, {@code $aws/certificates/create-from-csr/{fmt}} and {@code
 * $aws/provisioning-templates/{template}/provision/{fmt}}, each with its {@code /accepted} and {@code /rejected}
 * reply topic. {@code {fmt}} is {@code json} or {@code cbor}.
 */
public final class ProvisioningTopics {
  /** AWS's longest provisioning template name (CreateProvisioningTemplate). */
  public static final int MAX_TEMPLATE_NAME = 36;
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[0-9A-Za-z_-]{1," + MAX_TEMPLATE_NAME + "}");
  private static final String CERTIFICATES = "$aws/certificates/";
  private static final String TEMPLATES = "$aws/provisioning-templates/";

  private ProvisioningTopics() {}

  /** The three operations of the API. */
  public enum Operation {
    CREATE_KEYS_AND_CERTIFICATE("CreateKeysAndCertificate"),
    CREATE_CERTIFICATE_FROM_CSR("CreateCertificateFromCsr"),
    REGISTER_THING("RegisterThing");

    private final String apiName;

    Operation(String apiName) {
      this.apiName = apiName;
    }

    /** The operation's name in AWS's documentation ({@code RegisterThing}). */
    public String apiName() {
      return apiName;
    }
  }

  /** Which topic of an operation. */
  public enum Kind {
    REQUEST, ACCEPTED, REJECTED
  }

  /**
   * A parsed provisioning topic.
   *
   * @param templateName the template of a RegisterThing topic, null for the certificate operations
   */
  public record Parsed(Operation operation, String templateName, PayloadFormat format, Kind kind) {}

  /** Where an operation's request is published. */
  public static String request(Operation operation, String templateName, PayloadFormat format) {
    Objects.requireNonNull(format, "format");
    return switch (operation) {
      case CREATE_KEYS_AND_CERTIFICATE -> CERTIFICATES + "create/" + format.suffix();
      case CREATE_CERTIFICATE_FROM_CSR -> CERTIFICATES + "create-from-csr/" + format.suffix();
      case REGISTER_THING -> TEMPLATES + checkTemplateName(templateName) + "/provision/" + format.suffix();
    };
  }

  /** The accepted reply topic of an operation. */
  public static String accepted(Operation operation, String templateName, PayloadFormat format) {
    return request(operation, templateName, format) + "/accepted";
  }

  /** The rejected reply topic of an operation. */
  public static String rejected(Operation operation, String templateName, PayloadFormat format) {
    return request(operation, templateName, format) + "/rejected";
  }

  /**
   * Checks a template name against AWS's rule.
   *
   * @throws IllegalArgumentException unless 1-36 characters of {@code [0-9A-Za-z_-]}
   */
  public static String checkTemplateName(String name) {
    if (name == null || !TEMPLATE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a provisioning template name is 1-" + MAX_TEMPLATE_NAME
          + " characters of [0-9A-Za-z_-]: " + shorten(name));
    }
    return name;
  }

  /** Parses any of the nine topic forms; anything else (or an invalid template name) gives empty. */
  public static Optional<Parsed> parse(String topic) {
    if (topic == null) {
      return Optional.empty();
    }
    String[] l = topic.split("/", -1);
    if (topic.startsWith(CERTIFICATES) && (l.length == 4 || l.length == 5)) {
      Operation op = switch (l[2]) {
        case "create" -> Operation.CREATE_KEYS_AND_CERTIFICATE;
        case "create-from-csr" -> Operation.CREATE_CERTIFICATE_FROM_CSR;
        default -> null;
      };
      return op == null ? Optional.empty() : tail(op, null, l, 3);
    }
    if (topic.startsWith(TEMPLATES) && (l.length == 5 || l.length == 6) && l[3].equals("provision")
        && TEMPLATE_NAME.matcher(l[2]).matches()) {
      return tail(Operation.REGISTER_THING, l[2], l, 4);
    }
    return Optional.empty();
  }

  private static Optional<Parsed> tail(Operation op, String template, String[] l, int formatIndex) {
    PayloadFormat format = PayloadFormat.ofSuffix(l[formatIndex]);
    if (format == null) {
      return Optional.empty();
    }
    Kind kind;
    if (l.length == formatIndex + 1) {
      kind = Kind.REQUEST;
    } else if (l[formatIndex + 1].equals("accepted")) {
      kind = Kind.ACCEPTED;
    } else if (l[formatIndex + 1].equals("rejected")) {
      kind = Kind.REJECTED;
    } else {
      return Optional.empty();
    }
    return Optional.of(new Parsed(op, template, format, kind));
  }

  private static String shorten(String s) {
    return s == null ? "null" : s.length() > 60 ? s.substring(0, 60) + "..." : "'" + s + "'";
  }
}
