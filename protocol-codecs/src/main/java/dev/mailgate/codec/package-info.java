/** See DESIGN.md. */
package dev.mailgate.codec;
