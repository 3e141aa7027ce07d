package dev.mailgate.policy.route;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Rendezvous (highest random weight) hashing of users onto pool members, so a user always lands on
 * the same member and only the users of a removed member move.
 *
 * <p>The function, so an L4 balancer or another tool can reproduce it exactly:
 *
 * <pre>
 *   key    = lower-case(user) as UTF-8
 *   bytes  = key || 0x00 || member-name as UTF-8
 *   h      = FNV-1a 64 over bytes  (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 *   weight = fmix64(h)             (MurmurHash3's finaliser:
 *              h ^= h >>> 33; h *= 0xff51afd7ed558ccd; h ^= h >>> 33;
 *              h *= 0xc4ceb9fe1a85ec53; h ^= h >>> 33)
 *   order  = members sorted by weight as an UNSIGNED 64-bit integer, highest first;
 *            equal weights by member name ascending
 * </pre>
 *
 * The first member of the order is the user's home; failover walks the rest in order.
 */
public final class RendezvousHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private RendezvousHash() {}

  /** The weight of {@code member} for {@code user}, as defined in the class comment. */
  public static long weight(String member, String user) {
    long h = FNV_OFFSET;
    h = fnv(h, user.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    h = (h ^ 0) * FNV_PRIME;
    h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
    return fmix64(h);
  }

  /** All members in the user's hash order: home first, then failover order. */
  public static List<String> order(List<String> members, String user) {
    String key = user == null ? "" : user;
    record Weighted(String member, long weight) {}
    List<Weighted> ws = new ArrayList<>(members.size());
    for (String m : members) {
      ws.add(new Weighted(m, weight(m, key)));
    }
    Comparator<Weighted> byWeightDesc = (a, b) -> Long.compareUnsigned(b.weight(), a.weight());
    ws.sort(byWeightDesc.thenComparing(Weighted::member));
    List<String> out = new ArrayList<>(ws.size());
    for (Weighted w : ws) {
      out.add(w.member());
    }
    return out;
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= (b & 0xFF);
      h *= FNV_PRIME;
    }
    return h;
  }

  private static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
