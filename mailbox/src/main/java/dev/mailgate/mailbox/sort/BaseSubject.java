package dev.mailgate.mailbox.sort;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The base subject of RFC 5256 section 2.1, which SORT SUBJECT orders by and THREAD groups by, and
 * whether the subject marked the message as a reply or forward (REFERENCES step 5): it is, when the
 * extraction removed a {@code Re:} / {@code Fw:} / {@code Fwd:} leader, a {@code (fwd)} trailer or
 * a {@code [fwd: ...]} wrapper.
 *
 * <p>The extraction works on indices into one string, so each step costs its own length, not a
 * copy. Bounded: at most {@link #MAX_SUBJECT_CHARS} characters of the raw field and of its decoded
 * text are looked at (a longer subject is cut there; no real subject comes near).
 *
 * @param text the base subject, case kept (compare with {@link AsciiCasemap})
 * @param replyOrForward whether the extraction removed a reply or forward marker
 */
public record BaseSubject(String text, boolean replyOrForward) {
  /** The longest raw Subject: value, and decoded subject, considered. */
  public static final int MAX_SUBJECT_CHARS = 8192;

  public static final BaseSubject EMPTY = new BaseSubject("", false);

  /**
   * The base subject of a raw (unfolded, possibly RFC 2047 encoded) Subject: value; {@link #EMPTY}
   * for null.
   */
  public static BaseSubject of(String raw) {
    if (raw == null) {
      return EMPTY;
    }
    return extract(normalise(decode(cut(raw))));
  }

  /** The grouping key: equal for subjects that are equal under i;ascii-casemap. */
  public String key() {
    return AsciiCasemap.key(text);
  }

  private static String cut(String s) {
    return s.length() > MAX_SUBJECT_CHARS ? s.substring(0, MAX_SUBJECT_CHARS) : s;
  }

  private static String decode(String raw) {
    // Step 1: encoded words to Unicode (their charset's text, compared as UTF-8).
    return cut(DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT));
  }

  /** Step 1, continued: tabs and line breaks become spaces, runs of spaces one space. */
  private static String normalise(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean white = c == ' ' || c == '\t' || c == '\r' || c == '\n';
      if (white) {
        if (!space) {
          sb.append(' ');
        }
      } else {
        sb.append(c);
      }
      space = white;
    }
    return sb.toString();
  }

  /** Steps 2 to 7 over {@code s[b, e)}. */
  private static BaseSubject extract(String s) {
    int b = 0;
    int e = s.length();
    boolean marked = false;
    for (;;) {
      // (2) subj-trailer = "(fwd)" / WSP, as often as it matches
      for (;;) {
        if (e > b && s.charAt(e - 1) == ' ') {
          e--;
        } else if (e - b >= 5 && s.regionMatches(true, e - 5, "(fwd)", 0, 5)) {
          e -= 5;
          marked = true;
        } else {
          break;
        }
      }
      // (3), (4), (5): leaders, then one blob that leaves a non-empty subj-base, until neither
      boolean more = true;
      while (more) {
        more = false;
        for (;;) {
          if (b < e && s.charAt(b) == ' ') {
            b++;
            continue;
          }
          int after = blobsThenRefwd(s, b, e);
          if (after < 0) {
            break;
          }
          b = after;
          marked = true;
        }
        // (4) After (2) the text ends in a non-space, so anything after a blob is a subj-base.
        // Blob after blob at once: (3) failed at the first one, so it fails at each of the others
        // (the same run of blobs, then the same text), and scanning it again would be quadratic.
        for (int after = blob(s, b, e); after >= 0 && after < e; after = blob(s, b, e)) {
          b = after;
          more = true;
        }
      }
      // (6) subj-fwd-hdr "[fwd:" ... subj-fwd-trl "]": unwrap and start again from (2)
      if (e - b >= 6 && s.regionMatches(true, b, "[fwd:", 0, 5) && s.charAt(e - 1) == ']') {
        b += 5;
        e -= 1;
        marked = true;
        continue;
      }
      return new BaseSubject(s.substring(b, e), marked);
    }
  }

  /**
   * Matches {@code *subj-blob subj-refwd} at {@code i}, where subj-refwd = ("re" / ("fw" ["d"]))
   * *WSP [subj-blob] ":"; returns the index after it, or -1.
   */
  private static int blobsThenRefwd(String s, int i, int e) {
    int j = i;
    for (int after = blob(s, j, e); after >= 0; after = blob(s, j, e)) {
      j = after;
    }
    int word;
    if (e - j >= 2 && s.regionMatches(true, j, "re", 0, 2)) {
      word = j + 2;
    } else if (e - j >= 2 && s.regionMatches(true, j, "fw", 0, 2)) {
      word = j + 2;
      if (word < e && (s.charAt(word) == 'd' || s.charAt(word) == 'D')) {
        int colon = refwdRest(s, word + 1, e);
        if (colon >= 0) {
          return colon;
        }
      }
    } else {
      return -1;
    }
    return refwdRest(s, word, e);
  }

  /** *WSP [subj-blob] ":" at {@code i}: the index after the colon, or -1. */
  private static int refwdRest(String s, int i, int e) {
    int j = i;
    while (j < e && s.charAt(j) == ' ') {
      j++;
    }
    int after = blob(s, j, e);
    if (after >= 0) {
      j = after;
    }
    return j < e && s.charAt(j) == ':' ? j + 1 : -1;
  }

  /**
   * subj-blob = "[" *BLOBCHAR "]" *WSP at {@code i}, BLOBCHAR being anything but "[" and "]":
   * the index after it, or -1.
   */
  private static int blob(String s, int i, int e) {
    if (i >= e || s.charAt(i) != '[') {
      return -1;
    }
    int j = i + 1;
    while (j < e && s.charAt(j) != '[' && s.charAt(j) != ']') {
      j++;
    }
    if (j >= e || s.charAt(j) != ']') {
      return -1;
    }
    j++;
    while (j < e && s.charAt(j) == ' ') {
      j++;
    }
    return j;
  }
}
