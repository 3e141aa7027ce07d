package dev.mailgate.mailbox.store;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flags of one message: system flags and keywords (RFC 3501 section 2.3.2). Keywords are atoms
 * compared case-insensitively by IMAP; the store keeps them as given and de-duplicates ignoring
 * case. Limits: {@link #MAX_KEYWORDS} keywords of at most {@link #MAX_KEYWORD_LENGTH} characters.
 */
public record Flags(Set<SystemFlag> system, Set<String> keywords) {
  public static final int MAX_KEYWORDS = 128;
  public static final int MAX_KEYWORD_LENGTH = 128;
  public static final Flags NONE = new Flags(Set.of(), Set.of());

  public Flags {
    EnumSet<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    s.addAll(system);
    system = Collections.unmodifiableSet(s);
    TreeSet<String> k = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String kw : keywords) {
      if (kw.isEmpty() || kw.length() > MAX_KEYWORD_LENGTH) {
        throw new IllegalArgumentException("bad keyword length");
      }
      for (int i = 0; i < kw.length(); i++) {
        char c = kw.charAt(i);
        if (c <= ' ' || c == 0x7f || c == '\\') {
          throw new IllegalArgumentException("bad character in keyword");
        }
      }
      k.add(kw);
    }
    if (k.size() > MAX_KEYWORDS) {
      throw new IllegalArgumentException("more than " + MAX_KEYWORDS + " keywords");
    }
    keywords = Collections.unmodifiableSet(k);
  }

  public static Flags of(SystemFlag... flags) {
    return new Flags(flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags), Set.of());
  }

  public boolean has(SystemFlag f) {
    return system.contains(f);
  }

  public boolean hasKeyword(String keyword) {
    return keywords.contains(keyword);
  }

  public Flags plus(Flags other) {
    EnumSet<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    s.addAll(system);
    s.addAll(other.system);
    TreeSet<String> k = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    k.addAll(keywords);
    k.addAll(other.keywords);
    return new Flags(s, k);
  }

  public Flags minus(Flags other) {
    EnumSet<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    s.addAll(system);
    s.removeAll(other.system);
    TreeSet<String> k = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    k.addAll(keywords);
    k.removeAll(other.keywords);
    return new Flags(s, k);
  }

  /** The system flags as a bit mask ({@link SystemFlag#bit()}). */
  public int systemMask() {
    int m = 0;
    for (SystemFlag f : system) {
      m |= f.bit();
    }
    return m;
  }

  public static Flags fromStored(int mask, String keywords) {
    EnumSet<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    for (SystemFlag f : SystemFlag.values()) {
      if ((mask & f.bit()) != 0) {
        s.add(f);
      }
    }
    Set<String> k = keywords == null || keywords.isEmpty() ? Set.of() : Set.of(keywords.split(" "));
    return new Flags(s, k);
  }

  /** Keywords joined by single spaces, for storage. */
  public String keywordsStored() {
    return String.join(" ", keywords);
  }
}
