package dev.mailgate.mailbox.sort;

/**
 * One sort criterion of RFC 5256 section 3: a key, in descending order when {@code reverse}.
 *
 * @param key what is compared
 * @param reverse REVERSE: this key in descending order (later criteria and the final order by
 *     sequence number keep theirs)
 */
public record SortCriterion(Key key, boolean reverse) {
  /** The sort keys of RFC 5256 section 3, and DISPLAYFROM / DISPLAYTO of RFC 5957 section 3. */
  public enum Key {
    /** INTERNALDATE. */
    ARRIVAL,
    /** addr-mailbox of the first Cc: mailbox. */
    CC,
    /** The sent date of RFC 5256 section 2.2. */
    DATE,
    /** addr-mailbox of the first From: mailbox. */
    FROM,
    /** RFC822.SIZE. */
    SIZE,
    /** The base subject of RFC 5256 section 2.1. */
    SUBJECT,
    /** addr-mailbox of the first To: mailbox. */
    TO,
    /** The decoded display name of the first From: mailbox, else its address (RFC 5957). */
    DISPLAYFROM,
    /** The decoded display name of the first To: mailbox, else its address (RFC 5957). */
    DISPLAYTO;

    /** Whether the key is read from the envelope (else from the index alone). */
    public boolean needsEnvelope() {
      return this != ARRIVAL && this != SIZE;
    }
  }

  public SortCriterion {
    java.util.Objects.requireNonNull(key, "key");
  }
}
