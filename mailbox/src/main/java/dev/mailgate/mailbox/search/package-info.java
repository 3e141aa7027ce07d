/**
 * SEARCH evaluation (RFC 3501 section 6.4.4, RFC 9051 section 6.4.4, RFC 7162 section 3.1.5): a
 * pure criteria tree and an evaluator against stored messages. The IMAP session parses SEARCH
 * keys and maps them onto {@link dev.mailgate.mailbox.search.SearchCriteria}.
 */
package dev.mailgate.mailbox.search;
