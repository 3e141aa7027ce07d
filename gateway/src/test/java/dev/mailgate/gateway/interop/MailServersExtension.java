package dev.mailgate.gateway.interop;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts {@link MailServers} (real Dovecot and Postfix) once for the whole test
 * run and stops them when the run ends: the instance lives in the root context's store, which closes
 * it as an {@link AutoCloseable}. Test classes get it as a parameter:
 *
 * <pre>{@code
 * @ExtendWith(MailServersExtension.class)
 * class FooTest {
 *   @Test void x(MailServers servers) { ... servers.imapPort() ... }
 * }
 * }</pre>
 */
public final class MailServersExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MailServersExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == MailServers.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return servers(c);
  }

  /** The shared servers, started on first use. */
  public static MailServers servers(ExtensionContext c) {
    return c.getRoot().getStore(NS).computeIfAbsent(MailServers.class, k -> {
      try {
        return MailServers.start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the interop mail servers: " + e.getMessage(), e);
      }
    }, MailServers.class);
  }
}
