package dev.mailgate.bench.load.client;

/** Where a server's response ends, per protocol; the load clients wait for one response at a time. */
public enum Expect {
  /** One line: a POP3 single-line response or greeting, an IMAP untagged greeting. */
  LINE,
  /** An SMTP reply: lines up to the first whose fourth byte is a space (RFC 5321 section 4.2). */
  SMTP_REPLY,
  /** A POP3 multi-line response: up to CRLF.CRLF, or a single line when it starts with "-ERR". */
  POP3_MULTILINE,
  /** An IMAP tagged response; literals ({@code {n}} at a line end) are skipped unread. */
  IMAP_TAGGED,
  /** An IMAP continuation request ("+ ...") or, on refusal, the tagged response. */
  IMAP_CONTINUATION
}
