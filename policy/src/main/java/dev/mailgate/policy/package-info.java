/** See DESIGN.md. */
package dev.mailgate.policy;
