/** See DESIGN.md. */
package dev.mailgate.mailbox;
