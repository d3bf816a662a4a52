package dev.thingbridge.mqtt.local.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link MqttServer} listens and what it allows each client. Immutable; start from {@link
 * #defaults()} and change a copy with {@link #toBuilder()}. The defaults follow AWS IoT Core where it
 * publishes a figure (128 KB payloads, 100 in-flight QoS 1 publishes, a 1 h session, a 1200 s keep-alive
 * ceiling) and Mosquitto's default of 1,000 queued messages per session; 10,000 sessions and 256 MiB of
 * queued payload across all of them bound the server's memory as a whole.
 */
public final class MqttServerOptions {
  /** MQTT's registered port. */
  public static final int DEFAULT_PORT = 1883;
  /** AWS IoT Core's 128 KiB payload limit plus 8 KiB for the topic and properties. */
  public static final int DEFAULT_MAXIMUM_PACKET_SIZE = 128 * 1024 + 8 * 1024;

  private final InetAddress host;
  private final int port;
  private final ServerTls tls;
  private final int maximumPacketSize;
  private final int receiveMaximum;
  private final Duration maxSessionExpiry;
  private final int maxKeepAliveSeconds;
  private final int maxQueuedMessages;
  private final long maxQueuedBytes;
  private final int maxSubscriptionsPerSession;
  private final int maxSessions;
  private final long maxHeldBytesTotal;
  private final Duration connectTimeout;
  private final int ioThreads;

  private MqttServerOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.tls = b.tls;
    this.maximumPacketSize = b.maximumPacketSize;
    this.receiveMaximum = b.receiveMaximum;
    this.maxSessionExpiry = b.maxSessionExpiry;
    this.maxKeepAliveSeconds = b.maxKeepAliveSeconds;
    this.maxQueuedMessages = b.maxQueuedMessages;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.maxSubscriptionsPerSession = b.maxSubscriptionsPerSession;
    this.maxSessions = b.maxSessions;
    this.maxHeldBytesTotal = b.maxHeldBytesTotal;
    this.connectTimeout = b.connectTimeout;
    this.ioThreads = b.ioThreads;
  }

  /** Loopback, port 1883, plain TCP, and the limits described on the class. */
  public static MqttServerOptions defaults() {
    return new Builder().build();
  }

  /** A builder pre-filled with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.tls = tls;
    b.maximumPacketSize = maximumPacketSize;
    b.receiveMaximum = receiveMaximum;
    b.maxSessionExpiry = maxSessionExpiry;
    b.maxKeepAliveSeconds = maxKeepAliveSeconds;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    b.maxSubscriptionsPerSession = maxSubscriptionsPerSession;
    b.maxSessions = maxSessions;
    b.maxHeldBytesTotal = maxHeldBytesTotal;
    b.connectTimeout = connectTimeout;
    b.ioThreads = ioThreads;
    return b;
  }

  /** The address to listen on; loopback by default. */
  public InetAddress host() {
    return host;
  }

  /** The port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** TLS, or null for plain TCP. */
  public ServerTls tls() {
    return tls;
  }

  /** The largest packet a client may send, fixed header included; larger ones close the connection (0x95). */
  public int maximumPacketSize() {
    return maximumPacketSize;
  }

  /** The server's receive maximum: QoS 1 publishes a client may have un-acknowledged towards the server. */
  public int receiveMaximum() {
    return receiveMaximum;
  }

  /** The longest session a client may ask for; MQTT 3.1.1 persistent sessions get exactly this. */
  public Duration maxSessionExpiry() {
    return maxSessionExpiry;
  }

  /** The keep-alive a client gets when it asks for none (0) or for more. */
  public int maxKeepAliveSeconds() {
    return maxKeepAliveSeconds;
  }

  /** Messages one session holds (queued and in flight) before new ones are dropped. */
  public int maxQueuedMessages() {
    return maxQueuedMessages;
  }

  /** Payload bytes one session holds (queued and in flight) before new messages are dropped. */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** Topic filters one session may hold; more are refused in the SUBACK (0x97). */
  public int maxSubscriptionsPerSession() {
    return maxSubscriptionsPerSession;
  }

  /** Sessions (online and offline) the server holds; a CONNECT that would start one more is refused (0x97). */
  public int maxSessions() {
    return maxSessions;
  }

  /** Payload bytes all sessions together hold before new messages are dropped: the bound on queued memory. */
  public long maxHeldBytesTotal() {
    return maxHeldBytesTotal;
  }

  /** How long a new connection has to finish TLS and send its CONNECT. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Selector threads serving the connections. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Builds {@link MqttServerOptions}. */
  public static final class Builder {
    private InetAddress host = InetAddress.getLoopbackAddress();
    private int port = DEFAULT_PORT;
    private ServerTls tls;
    private int maximumPacketSize = DEFAULT_MAXIMUM_PACKET_SIZE;
    private int receiveMaximum = 100;
    private Duration maxSessionExpiry = Duration.ofHours(1);
    private int maxKeepAliveSeconds = 1200;
    private int maxQueuedMessages = 1000;
    private long maxQueuedBytes = 8L * 1024 * 1024;
    private int maxSubscriptionsPerSession = 10_000;
    private int maxSessions = 10_000;
    private long maxHeldBytesTotal = 256L * 1024 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

    private Builder() {}

    public Builder host(InetAddress value) {
      this.host = Objects.requireNonNull(value, "host");
      return this;
    }

    public Builder port(int value) {
      if (value < 0 || value > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535: " + value);
      }
      this.port = value;
      return this;
    }

    /** TLS from {@link ServerTls}; null for plain TCP. */
    public Builder tls(ServerTls value) {
      this.tls = value;
      return this;
    }

    public Builder maximumPacketSize(int value) {
      this.maximumPacketSize = atLeast(value, 64, "maximumPacketSize");
      return this;
    }

    public Builder receiveMaximum(int value) {
      if (value < 1 || value > 65_535) {
        throw new IllegalArgumentException("receiveMaximum must be 1..65535: " + value);
      }
      this.receiveMaximum = value;
      return this;
    }

    public Builder maxSessionExpiry(Duration value) {
      if (value.isNegative() || value.getSeconds() > 0xFFFF_FFFEL) {
        throw new IllegalArgumentException("maxSessionExpiry must be 0 .. 2^32-2 seconds: " + value);
      }
      this.maxSessionExpiry = value;
      return this;
    }

    public Builder maxKeepAliveSeconds(int value) {
      if (value < 1 || value > 65_535) {
        throw new IllegalArgumentException("maxKeepAliveSeconds must be 1..65535: " + value);
      }
      this.maxKeepAliveSeconds = value;
      return this;
    }

    public Builder maxQueuedMessages(int value) {
      this.maxQueuedMessages = atLeast(value, 1, "maxQueuedMessages");
      return this;
    }

    public Builder maxQueuedBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxQueuedBytes must be positive: " + value);
      }
      this.maxQueuedBytes = value;
      return this;
    }

    public Builder maxSubscriptionsPerSession(int value) {
      this.maxSubscriptionsPerSession = atLeast(value, 1, "maxSubscriptionsPerSession");
      return this;
    }

    public Builder maxSessions(int value) {
      this.maxSessions = atLeast(value, 1, "maxSessions");
      return this;
    }

    public Builder maxHeldBytesTotal(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxHeldBytesTotal must be positive: " + value);
      }
      this.maxHeldBytesTotal = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + value);
      }
      this.connectTimeout = value;
      return this;
    }

    public Builder ioThreads(int value) {
      this.ioThreads = atLeast(value, 1, "ioThreads");
      return this;
    }

    public MqttServerOptions build() {
      return new MqttServerOptions(this);
    }

    private static int atLeast(int value, int min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
      }
      return value;
    }
  }
}
