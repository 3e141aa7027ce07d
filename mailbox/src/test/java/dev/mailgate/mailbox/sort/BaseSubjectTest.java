package dev.mailgate.mailbox.sort;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Base-subject extraction of RFC 5256 section 2.1, step by step and on nasty input. */
class BaseSubjectTest {

  static Stream<Arguments> subjects() {
    return Stream.of(
        // raw Subject:, base subject, reply or forward
        Arguments.of("afternoon meeting", "afternoon meeting", false),
        Arguments.of("Re: afternoon meeting", "afternoon meeting", true),
        Arguments.of("RE: Re: re: Fw: FWD: fwd:hello", "hello", true),
        Arguments.of("Re[2]: hello", "hello", true),
        Arguments.of("Re : hello", "hello", true),
        Arguments.of("Fwd [list] : hello", "hello", true),
        Arguments.of("[PATCH] Re: fix the build", "fix the build", true),
        Arguments.of("[PATCH v2] Fix: crash on start", "Fix: crash on start", false),
        Arguments.of("[list] [PATCH] hello", "hello", false),
        Arguments.of("[announce]", "[announce]", false),
        Arguments.of("[a] [b]", "[b]", false),
        Arguments.of("Re: [list]", "[list]", true),
        Arguments.of("hello (fwd)", "hello", true),
        Arguments.of("hello (FWD) (fwd)  ", "hello", true),
        Arguments.of("(fwd) hello", "(fwd) hello", false),
        Arguments.of("[fwd: hello]", "hello", true),
        Arguments.of("Re: [Fwd: Re: Meeting (fwd)]", "Meeting", true),
        Arguments.of("[fwd: [fwd: deep]]", "deep", true),
        Arguments.of("[fwd: ]", "", true),
        Arguments.of("Re:", "", true),
        Arguments.of("   ", "", false),
        Arguments.of("", "", false),
        Arguments.of("Refactoring: the plan", "Refactoring: the plan", false),
        Arguments.of("fwd hello", "fwd hello", false),
        Arguments.of("Re:\t  hello \t  world\t ", "hello world", true),
        Arguments.of("=?UTF-8?Q?Re=3A_K=C3=B6ln?=", "K\u00f6ln", true),
        Arguments.of("Re: =?ISO-8859-1?Q?Caf=E9?= =?ISO-8859-1?Q?_cr=E8me?=", "Caf\u00e9 cr\u00e8me", true),
        Arguments.of("=?utf-8?b?W2xpc3RdIGhlbGxv?=", "hello", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void extractsTheBaseSubjectOfRfc5256Section21(String raw, String base, boolean replyOrForward) {
    assertThat(BaseSubject.of(raw)).isEqualTo(new BaseSubject(base, replyOrForward));
  }

  @Test
  void aMissingSubjectIsTheEmptyBaseSubject() {
    assertThat(BaseSubject.of(null)).isEqualTo(BaseSubject.EMPTY);
  }

  @Test
  void subjectsEqualUnderAsciiCasemapShareAKey() {
    assertThat(BaseSubject.of("Re: HELLO World").key()).isEqualTo(BaseSubject.of("hello world").key());
    assertThat(BaseSubject.of("K\u00f6ln").key()).isNotEqualTo(BaseSubject.of("K\u00d6LN").key());
  }

  @Test
  void hugeSubjectsOfLeadersAndBlobsAreCutAndFinishQuickly() {
    String[] nasty = {
        "Re: ".repeat(200_000) + "x",
        "[b] ".repeat(200_000) + "x",
        "[b]".repeat(200_000),
        "x" + " (fwd)".repeat(200_000),
        "[fwd: ".repeat(50_000) + "x" + "]".repeat(50_000),
        "[".repeat(200_000),
    };
    for (String s : nasty) {
      BaseSubject b = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> BaseSubject.of(s));
      assertThat(b.text().length()).isLessThanOrEqualTo(BaseSubject.MAX_SUBJECT_CHARS);
    }
  }
}
