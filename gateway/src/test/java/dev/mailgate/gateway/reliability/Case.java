package dev.mailgate.gateway.reliability;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One row of {@code docs/reliability.md}: what a test sends and what it requires. The result
 * column comes from the test's outcome ({@link ReliabilityReport}), never from this text.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Case {
  /** Listener(s) or protocol the case targets, e.g. "smtp", "imap (STARTTLS)". */
  String on();

  /** The hostile input, in a few words. */
  String input();

  /** What the test requires: the standard reply and what must survive. */
  String expect();
}
