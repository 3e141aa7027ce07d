package dev.mailgate.codec.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A fuzz test of this module: a Jazzer {@link FuzzTest} tagged {@code fuzz}, so it runs only in the
 * {@code fuzz} surefire execution, one JVM per class (Jazzer fuzzes one test per JVM).
 *
 * <p>How long it fuzzes is set there, in protocol-codecs/pom.xml, for all of them at once: a short
 * campaign with a fixed seed and a bounded number of runs in the default suite, a longer one with
 * {@code -Pfuzz}. {@code maxDuration} here only caps a run started some other way (an IDE with
 * {@code JAZZER_FUZZ=1}). Inputs under {@code <Class>Inputs/<method>/} in the test resources are
 * replayed first: crash inputs are committed there as regression seeds.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@FuzzTest(maxDuration = "2m")
@Tag("fuzz")
public @interface CodecFuzzTest {}
