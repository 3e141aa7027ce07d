package dev.mailgate.bench.load;

import java.util.List;

/**
 * One server the scenarios run against: its ports (IMAP, IMAPS, POP3, POP3S and SMTP on 127.0.0.1)
 * and the processes whose memory is its memory (each with its descendants).
 */
public record Target(String name, int imap, int imaps, int pop3, int pop3s, int smtp, List<Long> processes) {}
