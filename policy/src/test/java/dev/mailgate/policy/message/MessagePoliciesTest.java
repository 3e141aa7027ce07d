package dev.mailgate.policy.message;

import static dev.mailgate.policy.Facts.authenticated;
import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessagePoliciesTest {
  private static DenyKind kind(Decision d) {
    return d instanceof Decision.Deny deny ? deny.kind() : null;
  }

  @Test
  void tooBigIsRefusedAtMailFromByDeclaredSizeAndAtDataByActualSize() {
    MessageSizePolicy p = new MessageSizePolicy("max-message-size", 1000);
    var f = authenticated("192.0.2.1", "a@x");
    assertThat(kind(p.decide(f.withMailFrom("a@x", 1001)))).isEqualTo(DenyKind.TOO_BIG);
    assertThat(p.decide(f.withMailFrom("a@x", 0))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(f.withData(1000))).isEqualTo(Decision.ALLOW);
    assertThat(kind(p.decide(f.withData(1001)))).isEqualTo(DenyKind.TOO_BIG);
  }

  @Test
  void theRecipientPastTheLimitIsRefused() {
    RecipientLimitPolicy p = new RecipientLimitPolicy("max-recipients", 2);
    var f = authenticated("192.0.2.1", "a@x").withMailFrom("a@x", 0);
    assertThat(p.decide(f.withRcpt("1@y", 2))).isEqualTo(Decision.ALLOW);
    assertThat(kind(p.decide(f.withRcpt("3@y", 3)))).isEqualTo(DenyKind.TOO_MANY_RECIPIENTS);
  }

  @Test
  void theSenderMustBeTheUserOrOneOfTheirAliases() {
    SenderOwnershipPolicy p = new SenderOwnershipPolicy("sender-must-match-user", Map.of(
        "alice@example.org", Set.of("postmaster@example.org", "@alice.example")));
    var alice = authenticated("192.0.2.1", "Alice@Example.org");
    assertThat(p.decide(alice.withMailFrom("alice@example.ORG", 0))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(alice.withMailFrom("postmaster@example.org", 0)))
        .isEqualTo(Decision.ALLOW);
    assertThat(p.decide(alice.withMailFrom("anything@alice.example", 0)))
        .isEqualTo(Decision.ALLOW);
    assertThat(p.decide(alice.withMailFrom("", 0))).as("null reverse-path")
        .isEqualTo(Decision.ALLOW);
    assertThat(kind(p.decide(alice.withMailFrom("ceo@example.org", 0))))
        .isEqualTo(DenyKind.SENDER_MISMATCH);
    assertThat(kind(p.decide(authenticated("192.0.2.1", "bob@example.org")
        .withMailFrom("postmaster@example.org", 0)))).isEqualTo(DenyKind.SENDER_MISMATCH);
    assertThat(p.decide(connect("192.0.2.1").withMailFrom("ceo@example.org", 0)))
        .as("unauthenticated port-25 mail is a relay question, not this one")
        .isEqualTo(Decision.ALLOW);
  }
}
