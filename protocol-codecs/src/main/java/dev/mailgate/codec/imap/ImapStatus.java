package dev.mailgate.codec.imap;

/** Status response conditions (RFC 9051 section 7.1). */
public enum ImapStatus { OK, NO, BAD, PREAUTH, BYE }
