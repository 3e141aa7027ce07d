package dev.mailgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousHashTest {
  private static final List<String> MEMBERS = List.of("imap1", "imap2", "imap3", "imap4");

  @Test
  void theFunctionIsPinnedSoOtherToolsCanReproduceIt() {
    // Computed once from the documented definition; a change here moves every user.
    assertThat(Long.toUnsignedString(RendezvousHash.weight("imap1", "alice@example.org"), 16))
        .isEqualTo(Long.toUnsignedString(
            reference("imap1", "alice@example.org"), 16));
    assertThat(Long.toUnsignedString(RendezvousHash.weight("imap1", "alice@example.org"), 16))
        .isEqualTo("ad171824ca2f6478");
    assertThat(RendezvousHash.order(MEMBERS, "alice@example.org"))
        .containsExactly("imap2", "imap3", "imap1", "imap4");
    assertThat(RendezvousHash.order(MEMBERS, "ALICE@example.org"))
        .isEqualTo(RendezvousHash.order(MEMBERS, "alice@example.org"));
  }

  /** An independent transcription of the Javadoc's definition. */
  private static long reference(String member, String user) {
    byte[] u = user.toLowerCase(java.util.Locale.ROOT).getBytes(
        java.nio.charset.StandardCharsets.UTF_8);
    byte[] m = member.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] all = new byte[u.length + 1 + m.length];
    System.arraycopy(u, 0, all, 0, u.length);
    System.arraycopy(m, 0, all, u.length + 1, m.length);
    long h = 0xcbf29ce484222325L;
    for (byte b : all) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Test
  void aUserAlwaysGetsTheSameOrderWhateverTheMemberListOrder() {
    List<String> shuffled = List.of("imap3", "imap1", "imap4", "imap2");
    for (int i = 0; i < 100; i++) {
      String user = "user" + i + "@example.org";
      assertThat(RendezvousHash.order(shuffled, user))
          .isEqualTo(RendezvousHash.order(MEMBERS, user));
    }
  }

  @Test
  void removingAMemberMovesOnlyItsUsers() {
    List<String> three = List.of("imap1", "imap2", "imap4");
    for (int i = 0; i < 2000; i++) {
      String user = "u" + i;
      List<String> before = RendezvousHash.order(MEMBERS, user);
      String after = RendezvousHash.order(three, user).get(0);
      if (!before.get(0).equals("imap3")) {
        assertThat(after).isEqualTo(before.get(0));
      } else {
        assertThat(after).as("failover is the next in hash order").isEqualTo(before.get(1));
      }
    }
  }

  @Test
  void usersSpreadEvenlyAcrossMembers() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(RendezvousHash.order(MEMBERS, "user" + i + "@example.org").get(0), 1,
          Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_000, 11_000));
  }
}
