package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.ConveyClient;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.ServerConfig;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.config.model.TlsMode;
import dev.mailgate.config.model.VerifyMode;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.policy.route.RouteTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private LoadResult load(String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, env);
  }

  private List<String> errors(String yaml) throws Exception {
    LoadResult r = load(yaml, Map.of());
    assertThat(r.ok()).as("expected errors").isFalse();
    String prefix = dir.resolve("mailgate.yaml").toString() + ":";
    return r.errors().stream().map(ConfigError::format)
        .map(s -> s.startsWith(prefix) ? s.substring(prefix.length()) : s).toList();
  }

  @Test
  void anEmptyFileGivesSecureDefaults() throws Exception {
    LoadResult r = load("", Map.of());
    assertThat(r.errors()).isEmpty();
    MailgateConfig c = r.config().orElseThrow();
    assertThat(c.admin().bind().toString()).isEqualTo("127.0.0.1:8025");
    assertThat(c.server().dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.server().ioThreads()).isEqualTo(ServerConfig.IO_THREADS_PER_CORE);
    assertThat(c.server().eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(c.tls().selfSigned()).isTrue();
    assertThat(c.policies().requireTlsForAuth()).isTrue();
    assertThat(c.policies().messages().senderMustMatchUser()).isTrue();
    assertThat(c.routeRules()).singleElement()
        .satisfies(rule -> assertThat(rule.target()).contains(new RouteTarget.Local()));
  }

  @Test
  void ioThreadsSetsTheEventLoopsAndRefusesANegativeCount() throws Exception {
    assertThat(load("server:\n  io_threads: 1\n", Map.of()).config().orElseThrow().server().eventLoops())
        .isEqualTo(1);
    assertThat(load("server:\n  io_threads: -1\n", Map.of()).errors()).singleElement().asString()
        .contains("io_threads").contains("out of range 0..256");
  }

  @Test
  void dataDirectoryComesFromMailgateDataWhenNotConfigured() throws Exception {
    LoadResult r = load("", Map.of("MAILGATE_DATA", "/var/lib/mailgate"));
    assertThat(r.config().orElseThrow().server().dataDir()).isEqualTo(Path.of("/var/lib/mailgate"));
    assertThat(r.config().orElseThrow().local().dataDir())
        .isEqualTo(Path.of("/var/lib/mailgate/local"));
  }

  @Test
  void listenersAndBackendsBindWithTypedValues() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    LoadResult r = load("""
        listeners:
          - name: imaps
            protocol: imap
            bind: "[::]:3993"
            tls: implicit
            proxy_protocol: { enabled: true, trusted_networks: [10.0.0.0/8, "fd00::/8"] }
            allow_plaintext_auth: []
            limits: { max_line_length: 16384, max_message_size: 10MB, idle_timeout: 2h }
        backends:
          - name: dovecot
            host: ${HOST}
            ports: { imap: 143, pop3: 110 }
            tls: starttls
            ca_file: ca.pem
            convey_client: proxy_v2
            connect_timeout: 3s
            imap_session_reuse: 0s
          - name: cyrus
            host: 10.1.2.4
            port: 143
        routes:
          - match: { protocols: [imap] }
            target: backend:dovecot
        """, Map.of("HOST", "10.1.2.3"));
    assertThat(r.formatErrors()).isEmpty();
    MailgateConfig c = r.config().orElseThrow();
    ListenerConfig l = c.listener("imaps").orElseThrow();
    assertThat(l.protocol()).isEqualTo(MailProtocol.IMAP);
    assertThat(l.bind().host()).isEqualTo("::");
    assertThat(l.bind().port()).isEqualTo(3993);
    assertThat(l.tls()).isEqualTo(TlsMode.IMPLICIT);
    assertThat(l.proxyProtocol().trustedNetworks())
        .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
    assertThat(l.allowPlaintextAuth()).isEmpty();
    assertThat(l.limits().maxLineLength()).isEqualTo(16384);
    assertThat(l.limits().maxMessageSize()).isEqualTo(10L << 20);
    assertThat(l.limits().idleTimeout()).isEqualTo(Duration.ofHours(2));
    BackendConfig b = c.backend("dovecot").orElseThrow();
    assertThat(b.address(MailProtocol.IMAP).orElseThrow().toString()).isEqualTo("10.1.2.3:143");
    assertThat(b.address(MailProtocol.SMTP)).isEmpty();
    assertThat(b.tls().verify()).isEqualTo(VerifyMode.CA_FILE);
    assertThat(b.tls().caFile()).contains(ca);
    assertThat(b.conveyClient()).isEqualTo(ConveyClient.PROXY_V2);
    assertThat(b.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(b.imapSessionReuse()).isZero();
    assertThat(c.backend("cyrus").orElseThrow().imapSessionReuse()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void plaintextAuthDefaultsToLoopbackOnly() throws Exception {
    LoadResult r = load("listeners: [{name: a, protocol: pop3, bind: \"3110\"}]", Map.of());
    assertThat(r.config().orElseThrow().listeners().get(0).allowPlaintextAuth())
        .isEqualTo(Cidr.LOOPBACK);
  }

  @Test
  void everyErrorIsReportedAtOnceWithFileLineAndColumn() throws Exception {
    List<String> errors = errors("""
        listeners:
          - name: imap
            protocl: imap
            bind: 0.0.0.0:3143
            proxy_protocol: { enabled: true }
          - name: imap
            protocol: imap
            bind: 0.0.0.0:3143
            limits: { max_message_size: 50XB }
        tls:
          certificates:
            - { cert: /nonexistent/cert.pem, key: /nonexistent/key.pem }
        backends:
          - { name: dovecot, host: 127.0.0.1, port: 143 }
        pools:
          - { name: p, members: [dovecot, dovecto] }
        routes:
          - { target: backend:nowhere }
          - { target: pool:q }
        """);
    assertThat(errors).containsExactly(
        "2:5: listeners[1].protocol: a listener needs a protocol: smtp, submission, pop3 or imap",
        "3:5: unknown key 'listeners[1].protocl' (did you mean 'protocol'?)",
        "5:21: listeners[1].proxy_protocol.trusted_networks: PROXY protocol is enabled without"
            + " trusted_networks: any client could claim any address; list the load balancers'"
            + " networks",
        "6:11: listeners[2].name: duplicate listener name 'imap' (first at line 2)",
        "8:11: listeners[2].bind: listeners 'imap' and 'imap' both bind 0.0.0.0:3143",
        "9:33: listeners[2].limits.max_message_size: unknown size unit 'XB' in '50XB' (use B, KB,"
            + " MB, GB or TB)",
        "12:15: tls.certificates[1].cert: cannot read file /nonexistent/cert.pem (no such file)",
        "12:43: tls.certificates[1].key: cannot read file /nonexistent/key.pem (no such file)",
        "16:25: pools[1].members: pool 'p' names undefined backend 'dovecto' (did you mean"
            + " 'dovecot'?)",
        "18:15: routes[1].target: undefined backend 'nowhere'",
        "19:15: routes[2].target: undefined pool 'q' (did you mean 'p'?)");
  }

  @Test
  void localPostmasterIsUnsetByDefaultAndTakesAUserAddress() throws Exception {
    assertThat(load("", Map.of()).config().orElseThrow().local().postmaster()).isEmpty();
    assertThat(load("local: { postmaster: admin@example.test }", Map.of()).config().orElseThrow()
        .local().postmaster()).contains("admin@example.test");
  }

  @Test
  void localPostmasterThatIsNotAnAddressIsReportedWithItsLocation() throws Exception {
    assertThat(errors("local:\n  postmaster: admin\n")).containsExactly(
        "2:15: local.postmaster: expected a local user's address (user@domain), got 'admin'");
    assertThat(errors("local:\n  postmaster: \"a b@example.test\"\n")).containsExactly(
        "2:15: local.postmaster: expected a local user's address (user@domain), got 'a b@example.test'");
    assertThat(errors("local:\n  postmastr: a@example.test\n")).containsExactly(
        "2:3: unknown key 'local.postmastr' (did you mean 'postmaster'?)");
  }

  @Test
  void aListenerWithoutProtocolIsAnError() throws Exception {
    assertThat(errors("listeners: [{name: a, bind: \"25\"}]"))
        .anySatisfy(e -> assertThat(e).contains("a listener needs a protocol"));
  }

  @Test
  void unknownTopLevelKeysSuggestTheClosest() throws Exception {
    assertThat(errors("listners: []\npolicy: {}\n")).containsExactly(
        "1:1: unknown key 'listners' (did you mean 'listeners'?)",
        "2:1: unknown key 'policy' (did you mean 'policies'?)");
  }

  @Test
  void badEnumValuesListTheAcceptedOnes() throws Exception {
    assertThat(errors("listeners: [{name: a, protocol: imap, bind: \"143\", tls: startls}]"))
        .containsExactly("1:57: listeners[1].tls: unknown value 'startls', expected one of none,"
            + " starttls, implicit (did you mean 'starttls'?)");
  }

  @Test
  void duplicateKeysAreErrors() throws Exception {
    assertThat(errors("server:\n  hostname: a\n  hostname: b\n"))
        .containsExactly("3:3: duplicate key 'hostname' (first at line 2)");
  }

  @Test
  void yamlSyntaxErrorsHaveALocation() throws Exception {
    assertThat(errors("listeners:\n  - name: [unclosed\n")).singleElement()
        .satisfies(e -> assertThat(e).matches("\\d+:\\d+: YAML syntax: .*"));
  }

  @Test
  void adminBeyondLoopbackNeedsAToken() throws Exception {
    assertThat(errors("admin: { bind: \"0.0.0.0:8025\" }")).singleElement()
        .satisfies(e -> assertThat(e).contains("without a token"));
    assertThat(load("admin: { bind: \"0.0.0.0:8025\", token: s3cret }", Map.of()).ok()).isTrue();
  }

  @Test
  void olderTlsVersionsAreRefused() throws Exception {
    assertThat(errors("tls: { protocols: [TLSv1.1, TLSv1.3] }")).singleElement()
        .satisfies(e -> assertThat(e).contains("unsupported TLS version 'TLSv1.1'"));
  }

  @Test
  void backendPinsMustBeSha256Hex() throws Exception {
    assertThat(errors("backends: [{name: b, host: h, port: 1, pin_sha256: [abc]}]"))
        .singleElement().satisfies(e -> assertThat(e).contains("64 hex digits"));
    String pin = "AB:".repeat(31) + "AB";
    var c = load("backends: [{name: b, host: h, port: 1, pin_sha256: [\"" + pin + "\"]}]",
        Map.of()).config().orElseThrow();
    assertThat(c.backends().get(0).tls().verify()).isEqualTo(VerifyMode.PIN);
    assertThat(c.backends().get(0).tls().pinsSha256()).containsExactly("ab".repeat(32));
  }

  @Test
  void routesCheckListenersProtocolsAndLookups() throws Exception {
    List<String> errors = errors("""
        listeners: [{name: imap, protocol: imap, bind: "143"}]
        routes:
          - match: { listeners: [imapp], protocols: [imap4] }
            lookup: userz
        """);
    assertThat(errors).containsExactly(
        "3:25: routes[1].match.listeners: undefined listener 'imapp' (did you mean 'imap'?)",
        "3:45: routes[1].match.protocols: unknown protocol 'imap4', expected smtp, submission,"
            + " pop3 or imap",
        "4:13: routes[1].lookup: undefined lookup 'userz'");
  }

  @Test
  void lookupsOfEveryKindBind() throws Exception {
    Files.writeString(dir.resolve("users.csv"), "alice@example.org,backend:b\nbad line\n");
    List<String> errors = errors("""
        backends: [{name: b, host: h, port: 143}]
        lookups:
          fixed: { type: static, entries: { bob@example.org: backend:b, x@y: pool:none } }
          table: { type: file, path: users.csv }
          nginx: { type: http, url: "http://127.0.0.1:9000/auth", template_backend: b,
                   cache: { positive_ttl: 1m, negative_ttl: 10s } }
          broken: { type: ldap }
        routes: [{ lookup: table, target: backend:b }]
        """);
    assertThat(errors).containsExactly(
        "3:70: lookups.fixed.entries.x@y: undefined pool 'none'",
        "4:30: lookups.table.path: " + dir.resolve("users.csv") + " line 2: expected KEY,TARGET",
        "7:19: lookups.broken.type: unknown lookup type 'ldap', expected static, file, http or"
            + " sql");
  }

  @Test
  void sqlLookupsBindWithThePasswordFromTheEnvironmentAndNeverPrintIt() throws Exception {
    LoadResult r = load("""
        backends: [{name: b, host: h, port: 143}]
        lookups:
          db:
            type: sql
            url: "jdbc:sqlite:routes.db"
            user: mailgate
            password: ${DB_PASSWORD}
            query: SELECT target FROM routes WHERE address = :user OR address = :domain
            pool_size: 2
            timeout: 3s
            cache: { positive_ttl: 10m }
        routes: [{ lookup: db, target: backend:b }]
        """, Map.of("DB_PASSWORD", "s3cret"));
    assertThat(r.errors()).isEmpty();
    LookupConfig.Sql db = (LookupConfig.Sql) r.config().orElseThrow().lookups().get("db");
    assertThat(db.password()).contains("s3cret");
    assertThat(db.user()).contains("mailgate");
    assertThat(db.poolSize()).isEqualTo(2);
    assertThat(db.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(db.cache().positiveTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(db.toString()).doesNotContain("s3cret").contains("password=***");
  }

  @Test
  void sqlLookupErrorsHaveLocations() throws Exception {
    List<String> errors = errors("""
        lookups:
          nourl: { type: sql, query: "SELECT t FROM r WHERE a = :user" }
          nodriver: { type: sql, url: "jdbc:nosuchdb://h/db?password=x", query: "SELECT :user" }
          noparam: { type: sql, url: "jdbc:sqlite::memory:", query: "SELECT 'local'" }
          limits: { type: sql, url: "jdbc:sqlite::memory:", query: "SELECT :domain",
                    pool_size: 0, timeout: 100ms, path: x.csv }
        """);
    assertThat(errors).hasSize(6);
    assertThat(errors.get(0)).isEqualTo("2:10: lookups.nourl.url: an sql lookup needs a JDBC url"
        + " (jdbc:postgresql://HOST/DB, jdbc:sqlite:FILE)");
    assertThat(errors.get(1)).startsWith("3:31: lookups.nodriver.url: no JDBC driver here accepts"
        + " jdbc:nosuchdb urls (drivers present: ").contains("org.sqlite.JDBC")
        .doesNotContain("password=x");
    assertThat(errors.subList(2, 6)).containsExactly(
        "4:61: lookups.noparam.query: the query must use :user, :domain or :local (they are bound"
            + " as parameters), else every user gets the same answer",
        "6:24: lookups.limits.pool_size: 0 is out of range 1..64",
        "6:36: lookups.limits.timeout: an sql lookup's timeout is at least 1s (JDBC counts"
            + " seconds)",
        "6:43: unknown key 'lookups.limits.path'");
  }

  @Test
  void loopbackExemptionAndTrackedKeysAreConfigurableWithSafeDefaults() throws Exception {
    var defaults = load("", Map.of()).config().orElseThrow().policySettings();
    assertThat(defaults.connectionLimitExemptions()).isEqualTo(Cidr.LOOPBACK);
    assertThat(defaults.maxTrackedKeys()).isEqualTo(100_000);

    var none = load("""
        policies:
          networks: { exempt_from_connection_limits: [] }
          max_tracked_keys: 250_000
        """, Map.of()).config().orElseThrow().policySettings();
    assertThat(none.connectionLimitExemptions()).isEmpty();
    assertThat(none.maxTrackedKeys()).isEqualTo(250_000);

    var office = load("policies: { networks: { exempt_from_connection_limits: [10.1.0.0/16] } }",
        Map.of()).config().orElseThrow().policySettings();
    assertThat(office.connectionLimitExemptions()).containsExactly(Cidr.parse("10.1.0.0/16"));

    assertThat(errors("""
        policies:
          networks: { exempt_from_connection_limits: [not-a-network] }
          max_tracked_keys: 10
        """)).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("3:21: policies.max_tracked_keys:"
            + " 10 is out of range 1000..100000000"))
        .anySatisfy(e -> assertThat(e).contains("exempt_from_connection_limits"));
  }

  @Test
  void policiesBindIntoPolicyRecords() throws Exception {
    var c = load("""
        policies:
          networks: { deny: [192.0.2.0/24], ipv4_prefix: 16 }
          connection_limits: [{ per: ip, max: 5 }]
          rate_limits:
            - { name: mail-per-user, count: messages, per: user, rate: 100/hour }
            - { count: bytes, per: domain, rate: 1GB/day }
          auth_failures: { initial_delay: 1s, max_delay: 8s, lockout_after: 3 }
          messages:
            max_recipients: 50
            sender_aliases: { Alice@Example.org: [postmaster@example.org] }
          require_tls_for_auth: false
        """, Map.of()).config().orElseThrow().policies();
    assertThat(c.networks().deny()).containsExactly(Cidr.parse("192.0.2.0/24"));
    assertThat(c.networkPrefixes().ipv4()).isEqualTo(16);
    assertThat(c.connectionLimits()).singleElement()
        .satisfies(l -> assertThat(l.name()).isEqualTo("connections-per-ip"));
    assertThat(c.rateLimits()).extracting(r -> r.name())
        .containsExactly("mail-per-user", "bytes-per-domain");
    assertThat(c.rateLimits().get(1).rate().permits()).isEqualTo(1L << 30);
    assertThat(c.authFailures().lockoutAfter()).isEqualTo(3);
    assertThat(c.messages().maxRecipients()).isEqualTo(50);
    assertThat(c.messages().senderAliases())
        .containsEntry("alice@example.org", java.util.Set.of("postmaster@example.org"));
    assertThat(c.requireTlsForAuth()).isFalse();
  }

  @Test
  void embeddedDefaultServesTheLocalTierOnThePlus3000Ports() {
    MailgateConfig c = ConfigLoader.embeddedDefault(Map.of());
    assertThat(c.listeners()).extracting(l -> l.bind().port())
        .containsExactly(3025, 3587, 3465, 3110, 3995, 3143, 3993);
    assertThat(c.routeRules()).singleElement()
        .satisfies(rule -> assertThat(rule.target()).contains(new RouteTarget.Local()));
  }

  @Test
  void policySettingsBuildAnEngineWithTheListenersPlaintextNetworks() throws Exception {
    var c = load("""
        listeners:
          - { name: office, protocol: imap, bind: "143", allow_plaintext_auth: [10.0.0.0/8] }
        """, Map.of()).config().orElseThrow();
    var engine = dev.mailgate.policy.PolicyEngine.create(c.policySettings());
    var fromOffice = dev.mailgate.policy.PolicyFacts.connect(
        dev.mailgate.policy.net.IpLiterals.parse("10.9.9.9").orElseThrow(), "office",
        MailProtocol.IMAP, false);
    assertThat(engine.tlsBeforeAuth().plaintextLoginAllowed(fromOffice)).isTrue();
    assertThat(engine.rateLimits()).extracting(p -> p.name())
        .containsExactly("new-connections-per-ip", "messages-per-user", "recipients-per-user");
    assertThat(engine.maxMessageSize()).isEqualTo(50L << 20);
  }

  @Test
  void listenerLimitsDefaultPerProtocolAndFeedTheCodecRecords() throws Exception {
    var c = load("""
        listeners:
          - { name: s, protocol: smtp, bind: "25", limits: { max_message_size: 10MB } }
          - { name: i, protocol: imap, bind: "143" }
          - { name: p, protocol: pop3, bind: "110" }
        """, Map.of()).config().orElseThrow();
    var smtp = c.listener("s").orElseThrow().limits().smtpLimits();
    assertThat(smtp.maxCommandLineLength()).isEqualTo(1000);
    assertThat(smtp.maxDataSize()).isEqualTo(10L << 20);
    assertThat(c.listener("i").orElseThrow().limits().imapLimits().maxLineLength())
        .isEqualTo(dev.mailgate.codec.imap.ImapLimits.DEFAULTS.maxLineLength());
    assertThat(c.listener("p").orElseThrow().limits().pop3Limits().maxCommandLineLength())
        .isEqualTo(255);
  }

  @Test
  void limitsOutsideTheProtocolsRangeAreErrors() throws Exception {
    assertThat(errors("listeners: [{name: s, protocol: smtp, bind: \"25\","
        + " limits: {max_line_length: 100}}]")).singleElement()
        .satisfies(e -> assertThat(e).startsWith("1:59: listeners[1].limits: ")
            .contains("maxCommandLineLength").endsWith("for smtp"));
  }
}
