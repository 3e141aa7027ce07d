package dev.mailgate.gateway.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records each {@link Case} test's outcome into {@code target/reliability/<class>.tsv} (one row:
 * method, on, input, expect, result, observed), which {@link ReliabilityDocs} turns into {@code
 * target/reliability/reliability.md} (and {@code docs/reliability.md} on request). The result is the JUnit outcome: PASS, FAIL (with the assertion message),
 * ABORTED or DISABLED.
 */
final class ReliabilityReport implements TestWatcher, AfterAllCallback, ParameterResolver {
  static final Path DIR = Path.of("target", "reliability");
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ReliabilityReport.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Observed.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return c.getStore(NS).getOrComputeIfAbsent("observed", k -> new Observed(), Observed.class);
  }

  @Override
  public void testSuccessful(ExtensionContext c) {
    record(c, "PASS");
  }

  @Override
  public void testFailed(ExtensionContext c, Throwable cause) {
    record(c, "FAIL: " + firstLine(cause));
  }

  @Override
  public void testAborted(ExtensionContext c, Throwable cause) {
    record(c, "ABORTED: " + firstLine(cause));
  }

  @Override
  public void testDisabled(ExtensionContext c, Optional<String> reason) {
    record(c, "DISABLED");
  }

  private static String firstLine(Throwable t) {
    String m = String.valueOf(t.getMessage()).strip();
    int nl = m.indexOf('\n');
    return t.getClass().getSimpleName() + " " + (nl < 0 ? m : m.substring(0, nl));
  }

  private static void record(ExtensionContext c, String result) {
    Method m = c.getRequiredTestMethod();
    Case info = m.getAnnotation(Case.class);
    if (info == null) {
      return;
    }
    Observed o = c.getStore(NS).get("observed", Observed.class);
    // a parameterised case shows which invocation it was
    String name = c.getUniqueId().contains("test-template-invocation") ? m.getName() + " " + c.getDisplayName() : m.getName();
    rows(c).add(String.join("\t", name, info.on(), info.input(), info.expect(), result,
        o == null ? "" : o.text()).replaceAll("[\r\n]+", " "));
  }

  @SuppressWarnings("unchecked")
  private static List<String> rows(ExtensionContext c) {
    ExtensionContext classContext = c;
    while (classContext.getTestMethod().isPresent()) { // a parameterised invocation sits below its method
      classContext = classContext.getParent().orElseThrow();
    }
    return classContext.getStore(NS).getOrComputeIfAbsent("rows", k -> new ArrayList<String>(), List.class);
  }

  @Override
  public void afterAll(ExtensionContext c) {
    List<String> rows = c.getStore(NS).get("rows", List.class);
    if (rows == null) {
      return;
    }
    try {
      Files.createDirectories(DIR);
      Files.write(DIR.resolve(c.getRequiredTestClass().getSimpleName() + ".tsv"), rows, StandardCharsets.UTF_8);
      ReliabilityDocs.generateIfComplete(DIR, Path.of("target", "test-classes"), Path.of("..", "docs"),
          Boolean.getBoolean(ReliabilityDocs.REFRESH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
