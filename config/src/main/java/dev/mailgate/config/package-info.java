/** See DESIGN.md. */
package dev.mailgate.config;
