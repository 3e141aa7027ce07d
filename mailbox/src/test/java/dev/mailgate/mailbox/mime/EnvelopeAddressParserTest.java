package dev.mailgate.mailbox.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvelopeAddressParserTest {
  @Test
  void commentAfterBareAddrSpecIsTheDisplayName() {
    // imaptest's fetch-envelope: From: user@domain (Real Name) -> ("Real Name" NIL "user" "domain")
    assertThat(EnvelopeAddressParser.parse("user@domain (Real Name)"))
        .containsExactly(new EnvelopeAddress("Real Name", null, "user", "domain"));
    assertThat(EnvelopeAddressParser.parse("a@b.c (A), d@e.f"))
        .containsExactly(new EnvelopeAddress("A", null, "a", "b.c"),
            new EnvelopeAddress(null, null, "d", "e.f"));
  }

  @Test
  void commentDoesNotReplaceAPhrase() {
    assertThat(EnvelopeAddressParser.parse("Real Name (nick) <user@domain>"))
        .containsExactly(new EnvelopeAddress("Real Name", null, "user", "domain"));
    assertThat(EnvelopeAddressParser.parse("<@route:user@domain>"))
        .containsExactly(new EnvelopeAddress(null, "@route", "user", "domain"));
  }

  @Test
  void commentsAndSpacesInsideAnAddrSpecAreNotPartOfTheAddress() {
    // RFC 5322 section 3.4.1: CFWS may surround the local-part, the "@" and the domain
    assertThat(EnvelopeAddressParser.parse("<user-from (comment)@ (comment) domain.org>"))
        .containsExactly(new EnvelopeAddress(null, null, "user-from", "domain.org"));
    // the last comment names a bare address, as in Dovecot
    assertThat(EnvelopeAddressParser.parse("user (c) @ domain.org (Real)"))
        .containsExactly(new EnvelopeAddress("Real", null, "user", "domain.org"));
  }

  @Test
  void quotedLocalPartKeepsItsSpaces() {
    assertThat(EnvelopeAddressParser.parse("\"a b\"@domain.org, N <\"c d\"@e.f>"))
        .containsExactly(new EnvelopeAddress(null, null, "a b", "domain.org"),
            new EnvelopeAddress("N", null, "c d", "e.f"));
  }
}
