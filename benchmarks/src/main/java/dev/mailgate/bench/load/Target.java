package dev.mailgate.bench.load;

import java.util.List;
import java.util.function.Supplier;

/**
 * One server the scenarios run against: its ports (IMAP, IMAPS, POP3, POP3S and SMTP on 127.0.0.1;
 * 0 for a protocol it does not serve, whose scenarios then skip it) and the processes whose memory is its memory (each with its descendants; asked when measured, as
 * a target may be restarted).
 */
public record Target(String name, int imap, int imaps, int pop3, int pop3s, int smtp, Supplier<List<Long>> processes) {}
