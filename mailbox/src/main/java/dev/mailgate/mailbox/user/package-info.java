/**
 * Local users: the user database ({@link dev.mailgate.mailbox.user.UserStore}), Argon2id hashes
 * (RFC 9106, BouncyCastle), verification of imported Dovecot hashes (BLF-CRYPT, SHA512-CRYPT,
 * SHA256-CRYPT) and the passwd-file import.
 */
package dev.mailgate.mailbox.user;
