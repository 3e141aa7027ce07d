package dev.mailgate.mailbox.store;

/** The outcome of a durable append: the APPENDUID response code's data (RFC 4315 section 3). */
public record AppendResult(long uidValidity, long uid, long modSeq) {}
