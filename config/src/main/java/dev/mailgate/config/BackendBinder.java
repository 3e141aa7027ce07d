package dev.mailgate.config;

import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.BackendTlsConfig;
import dev.mailgate.config.model.CertificateConfig;
import dev.mailgate.config.model.ConveyClient;
import dev.mailgate.config.model.HealthCheckConfig;
import dev.mailgate.config.model.HostPort;
import dev.mailgate.config.model.MasterUserConfig;
import dev.mailgate.config.model.PoolConfig;
import dev.mailgate.config.model.TlsMode;
import dev.mailgate.config.model.VerifyMode;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.policy.MailProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Binds {@code backends:} and {@code pools:}. */
final class BackendBinder {
  private BackendBinder() {}

  static List<BackendConfig> backends(Section root, BindContext ctx) {
    List<BackendConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (YNode item : root.list("backends")) {
      index++;
      Section s = Section.of(item, root.errors(), "backends[" + index + "]");
      String name = s.optString("name").orElse(null);
      if (name == null) {
        root.errors().add(item.location(), s.path() + ": a backend needs a name");
        name = "backend-" + index;
      } else if (!names.add(name)) {
        s.error("name", "duplicate backend name '" + name + "'");
      }
      Optional<HostPort> address = s.typed("address", t -> HostPort.parse(t, null));
      String host = s.optString("host").orElse(address.map(HostPort::host).orElse(null));
      if (host == null) {
        s.error("host", "a backend needs a host (or an address HOST:PORT)");
        host = "invalid";
      }
      Map<MailProtocol, Integer> ports = ports(s.section("ports"));
      Optional<Integer> port = s.has("port")
          ? Optional.of(s.integer("port", 0, 1, 65535))
          : address.map(HostPort::port);
      if (ports.isEmpty() && port.isEmpty()) {
        s.error("ports", "a backend needs ports (per protocol), a port, or an address");
      }
      BackendTlsConfig tls = tls(s, ctx);
      ConveyClient convey = s.enumValue("convey_client", ConveyClient.class, ConveyClient.NONE);
      Duration connect = s.duration("connect_timeout", Duration.ofSeconds(5));
      Duration greeting = s.duration("greeting_timeout", Duration.ofSeconds(10));
      Optional<MasterUserConfig> master = masterUser(s, "master_user");
      Duration reuse = s.duration("imap_session_reuse", Duration.ofSeconds(30));
      s.finish();
      out.add(new BackendConfig(name, host, ports, port, tls, convey, connect, greeting, master, reuse));
    }
    return out;
  }

  private static Map<MailProtocol, Integer> ports(Section s) {
    Map<MailProtocol, Integer> out = new EnumMap<>(MailProtocol.class);
    for (MailProtocol p : MailProtocol.values()) {
      if (s.has(p.configName())) {
        out.put(p, s.integer(p.configName(), 0, 1, 65535));
      }
    }
    s.finish();
    return out;
  }

  private static BackendTlsConfig tls(Section s, BindContext ctx) {
    TlsMode mode = s.enumValue("tls", TlsMode.class, TlsMode.STARTTLS);
    Optional<Path> caFile = ctx.readableFile(s, "ca_file");
    List<String> pins = new ArrayList<>();
    for (String pin : s.strings("pin_sha256", List.of())) {
      String hex = pin.replace(":", "").toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        s.error("pin_sha256", "expected a SHA-256 fingerprint of 64 hex digits, got '" + pin + "'");
      } else {
        pins.add(hex);
      }
    }
    VerifyMode inferred = caFile.isPresent() ? VerifyMode.CA_FILE
        : !pins.isEmpty() ? VerifyMode.PIN : VerifyMode.SYSTEM;
    VerifyMode verify = s.enumValue("verify", VerifyMode.class, inferred);
    if (verify == VerifyMode.CA_FILE && caFile.isEmpty()) {
      s.error("verify", "verify: ca_file needs ca_file");
    }
    if (verify == VerifyMode.PIN && pins.isEmpty() && s.has("verify")) {
      s.error("verify", "verify: pin needs pin_sha256");
    }
    Optional<CertificateConfig> client = s.has("client_certificate")
        ? Optional.of(TlsBinder.certificate(s.section("client_certificate"), ctx, false))
        : Optional.empty();
    return new BackendTlsConfig(mode, verify, caFile, pins, client);
  }

  static Optional<MasterUserConfig> masterUser(Section parent, String key) {
    if (!parent.has(key)) {
      return Optional.empty();
    }
    Section s = parent.section(key);
    String user = s.optString("user").orElse(null);
    String password = s.optString("password").orElse(null);
    String separator = s.string("separator", "*");
    if (user == null) {
      s.error("user", "a master user needs a user");
    }
    if (password == null) {
      s.error("password", "a master user needs a password (use ${VAR} to keep it out of the file)");
    }
    s.finish();
    return user == null || password == null ? Optional.empty()
        : Optional.of(new MasterUserConfig(user, password, separator));
  }

  static List<PoolConfig> pools(Section root, Set<String> backendNames) {
    List<PoolConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (YNode item : root.list("pools")) {
      index++;
      Section s = Section.of(item, root.errors(), "pools[" + index + "]");
      String name = s.optString("name").orElse(null);
      if (name == null) {
        root.errors().add(item.location(), s.path() + ": a pool needs a name");
        name = "pool-" + index;
      } else if (!names.add(name)) {
        s.error("name", "duplicate pool name '" + name + "'");
      }
      List<String> members = s.strings("members", List.of());
      if (members.isEmpty()) {
        s.error("members", "a pool needs at least one member backend");
      }
      for (String m : members) {
        if (!backendNames.contains(m)) {
          s.error("members", "pool '" + name + "' names undefined backend '" + m + "'"
              + Suggest.hint(m, backendNames));
        }
      }
      if (new HashSet<>(members).size() != members.size()) {
        s.error("members", "a backend is listed twice in pool '" + name + "'");
      }
      Section h = s.section("health_check");
      HealthCheckConfig d = HealthCheckConfig.DEFAULT;
      HealthCheckConfig health = new HealthCheckConfig(
          h.bool("enabled", d.enabled()),
          h.duration("interval", d.interval()),
          h.duration("timeout", d.timeout()),
          h.integer("failures_before_down", d.failuresBeforeDown(), 1, 100));
      h.finish();
      s.finish();
      out.add(new PoolConfig(name, members, health));
    }
    return out;
  }
}
