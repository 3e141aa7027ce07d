package dev.mailgate.mailbox.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchableAddressesTest {
  @Test
  void eachAddressIsWrittenWithItsNameAndWithoutComments() {
    assertThat(SearchableAddresses.of("Alice <alice@example.org>, bob (Bobby) @ example.org"))
        .containsExactly("\"Alice\" <alice@example.org>", "\"Bobby\" <bob@example.org>");
    assertThat(SearchableAddresses.of("<carol (work)@ (main) example.org>"))
        .containsExactly("carol@example.org");
  }

  @Test
  void groupsContributeTheirNameAndMembers() {
    assertThat(SearchableAddresses.of("team: a@example.org, b@example.org;, empty: ;"))
        .containsExactly("team", "a@example.org", "b@example.org", "empty");
  }

  @Test
  void encodedWordNamesAreDecoded() {
    assertThat(SearchableAddresses.of("=?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>"))
        .containsExactly("\"Jörg\" <joerg@example.de>");
  }
}
