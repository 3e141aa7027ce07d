package dev.mailgate.bench.load.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx's mail proxy (Debian nginx with libnginx-mod-mail) in front of the same backends: one
 * master with one set of IMAP, IMAPS, POP3, POP3S and SMTP listeners per {@link Variant} (the
 * harness runs one instance per variant, so the default and the tuned proxy_buffer are measured
 * side by side without sharing memory). Logins are routed by {@link AuthHttpEndpoint}.
 */
public final class Nginx implements AutoCloseable {

  public static final Path MAIL_MODULE = Path.of("/usr/lib/nginx/modules/ngx_mail_module.so");

  /** One set of listeners; {@code proxyBuffer} null keeps nginx's default (one memory page). */
  public record Variant(String name, String proxyBuffer) {}

  /** The listeners of one variant. */
  public record Ports(int imap, int imaps, int pop3, int pop3s, int smtp) {}

  private final Map<String, Ports> ports;
  private long pid;

  private Nginx(Map<String, Ports> ports) {
    this.ports = ports;
  }

  public static Nginx start(Path dir, BenchPki pki, int authPort, List<Variant> variants, int maxConnections) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Map<String, Ports> ports = new LinkedHashMap<>();
    StringBuilder servers = new StringBuilder();
    for (Variant v : variants) {
      Ports p = new Ports(Processes.freePort(), Processes.freePort(), Processes.freePort(), Processes.freePort(), Processes.freePort());
      ports.put(v.name(), p);
      String buffer = v.proxyBuffer() == null ? "" : " proxy_buffer " + v.proxyBuffer() + ";";
      servers.append("    # ").append(v.name()).append('\n');
      servers.append(server(p.imap(), "", "imap", buffer));
      servers.append(server(p.imaps(), " ssl", "imap", buffer));
      servers.append(server(p.pop3(), "", "pop3", buffer));
      servers.append(server(p.pop3s(), " ssl", "pop3", buffer));
      servers.append(server(p.smtp(), "", "smtp", buffer));
    }
    String conf = "# rendered by the mailgate load harness\n"
        + "load_module " + MAIL_MODULE + ";\n"
        + "worker_processes auto;\n"
        + "worker_rlimit_nofile " + (4 * maxConnections + 1000) + ";\n"
        + "pid " + dir.resolve("nginx.pid") + ";\n"
        + "error_log " + dir.resolve("logs/error.log") + " error;\n"
        + "events { worker_connections " + (2 * maxConnections + 1000) + "; }\n"
        + "mail {\n"
        + "    server_name localhost;\n"
        + "    auth_http 127.0.0.1:" + authPort + "/auth;\n"
        + "    proxy_pass_error_message on;\n"
        + "    ssl_certificate " + pki.certFile() + ";\n"
        + "    ssl_certificate_key " + pki.keyFile() + ";\n"
        + "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        + "    imap_capabilities IMAP4rev1 LITERAL+ SASL-IR IDLE;\n"
        + "    smtp_auth none;\n"
        + "    xclient off;\n"
        + servers
        + "}\n";
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Processes.run(List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", file.toString()), dir.resolve("nginx-start.out"));
    Nginx n = new Nginx(ports);
    n.pid = Processes.readPid(dir.resolve("nginx.pid"));
    try {
      for (Ports p : ports.values()) {
        for (int port : List.of(p.imap(), p.imaps(), p.pop3(), p.pop3s(), p.smtp())) {
          Processes.awaitPort(port, Duration.ofSeconds(10));
        }
      }
    } catch (java.io.IOException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private static String server(int port, String ssl, String protocol, String buffer) {
    return "    server { listen 127.0.0.1:" + port + ssl + "; protocol " + protocol + ";" + buffer + " }\n";
  }

  public Ports ports(String variant) {
    return ports.get(variant);
  }

  public List<String> variants() {
    return new ArrayList<>(ports.keySet());
  }

  /** The master; the workers are its children. */
  public long pid() {
    return pid;
  }

  @Override
  public void close() {
    if (pid > 0) {
      Processes.stop(pid); // SIGTERM: fast shutdown of master and workers
      pid = 0;
    }
  }
}
