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
}
