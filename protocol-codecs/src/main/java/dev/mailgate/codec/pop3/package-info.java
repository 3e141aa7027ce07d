/**
 * POP3 wire format (RFC 1939; CAPA, RESP-CODES and PIPELINING of RFC 2449; STLS of RFC 2595; AUTH
 * of RFC 5034; AUTH-RESP-CODE of RFC 3206; UTF8 and LANG of RFC 6856).
 *
 * <p>Server side: {@link dev.mailgate.codec.pop3.Pop3CommandDecoder} (bytes to {@link
 * dev.mailgate.codec.pop3.Pop3Command}) and {@link dev.mailgate.codec.pop3.Pop3ResponseEncoder}
 * (responses, streamed dot-stuffed bodies). Backend leg: {@link
 * dev.mailgate.codec.pop3.Pop3CommandEncoder} and {@link
 * dev.mailgate.codec.pop3.Pop3ResponseDecoder}. Limits: {@link dev.mailgate.codec.pop3.Pop3Limits}.
 */
package dev.mailgate.codec.pop3;
