package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.mailbox.user.UserStore;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Who receives postmaster mail in the local tier (RFC 5321 4.5.1: {@code <Postmaster>} and {@code
 * postmaster@domain}, local part in any case, must be accepted for every domain the server
 * delivers for). In order: a user or alias {@code postmaster@domain}; a user or alias {@code
 * postmaster}; the configured {@code local.postmaster} when it resolves; the earliest-created user
 * of the domain; the earliest-created user of all. So a fresh install with one user is compliant
 * without configuration. For {@code <Postmaster>} the domain is the server's host name, then its
 * parent ({@code example.test} for {@code mx.example.test}).
 */
public final class Postmasters {
  private static final String POSTMASTER = "postmaster";

  private final UserStore users;
  private final Supplier<Optional<String>> configured;

  /**
   * @param configured {@code local.postmaster} of the current configuration snapshot (read per
   *     recipient, so a reload applies to the next message)
   */
  public Postmasters(UserStore users, Supplier<Optional<String>> configured) {
    this.users = Objects.requireNonNull(users, "users");
    this.configured = Objects.requireNonNull(configured, "configured");
  }

  /** Whether {@code path} is {@code <Postmaster>} or {@code postmaster@domain} (any case). */
  public static boolean isPostmaster(SmtpPath path) {
    return path.isPostmaster() || (path.domain() != null && !path.isAddressLiteral()
        && POSTMASTER.equalsIgnoreCase(path.localPart()));
  }

  /** The user that receives mail for a postmaster {@code path}; empty only with no users at all. */
  public Mono<String> owner(SmtpPath path, String serverHost) {
    String host = serverHost.toLowerCase(Locale.ROOT);
    String domain = path.isPostmaster() ? host : RecipientRules.domain(path);
    String parent = path.isPostmaster() ? parent(host) : null;
    return users.resolve(POSTMASTER + "@" + domain)
        .switchIfEmpty(Mono.defer(() -> users.resolve(POSTMASTER)))
        .switchIfEmpty(Mono.defer(() -> configured.get().map(users::resolve).orElse(Mono.empty())))
        .switchIfEmpty(Mono.defer(() -> users.earliestUser(domain)))
        .switchIfEmpty(Mono.defer(() -> parent == null ? Mono.empty() : users.earliestUser(parent)))
        .switchIfEmpty(Mono.defer(() -> users.earliestUser(null)));
  }

  /** {@code example.test} for {@code mx.example.test}; null for a single label or two. */
  private static String parent(String host) {
    int dot = host.indexOf('.');
    return dot > 0 && host.indexOf('.', dot + 1) > 0 ? host.substring(dot + 1) : null;
  }
}
