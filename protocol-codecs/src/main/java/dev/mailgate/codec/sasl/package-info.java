/**
 * SASL message formats shared by SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH: PLAIN (RFC 4616),
 * LOGIN, XOAUTH2, OAUTHBEARER (RFC 7628), CRAM-MD5 (RFC 2195), EXTERNAL (RFC 4422). Pure Java (JDK
 * base64 and HMAC), no Netty. Server side: {@link dev.mailgate.codec.sasl.SaslServerExchange};
 * replay to a backend: {@link dev.mailgate.codec.sasl.SaslClientExchange}. Secrets are {@link
 * dev.mailgate.codec.sasl.Secret}s, which never print.
 */
package dev.mailgate.codec.sasl;
