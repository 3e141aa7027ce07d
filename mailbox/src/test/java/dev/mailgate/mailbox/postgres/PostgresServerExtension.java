package dev.mailgate.mailbox.postgres;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link PostgresServer} for the whole test run and stops it when the run ends (it
 * lives in the root context's store, which closes it). Test classes take it as a parameter of a
 * {@code @BeforeAll} or test method and create their own database in it.
 */
public final class PostgresServerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return server(c);
  }

  public static PostgresServer server(ExtensionContext c) {
    return c.getRoot().getStore(NS).computeIfAbsent(PostgresServer.class, k -> {
      try {
        return PostgresServer.start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test PostgreSQL server: " + e.getMessage(), e);
      }
    }, PostgresServer.class);
  }
}
