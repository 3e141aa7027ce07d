/**
 * The IMAP proxy session (RFC 9051 / RFC 3501 pre-login state, DESIGN.md "A session, end to
 * end"): the gateway answers the not-authenticated dialogue itself (greeting, CAPABILITY, NOOP,
 * LOGOUT, STARTTLS, ID, LOGIN, AUTHENTICATE with SASL-IR), asks a {@link
 * dev.mailgate.gateway.proxy.imap.BackendChooser} where the user lives, replays the login to that
 * backend ({@link dev.mailgate.gateway.proxy.imap.BackendLogin}) and then becomes the raw relay of
 * {@link dev.mailgate.gateway.backend.Relay}.
 *
 * <p>Entry point: {@link dev.mailgate.gateway.proxy.imap.ImapProxyHandler#create}.
 */
package dev.mailgate.gateway.proxy.imap;
