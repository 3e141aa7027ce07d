package dev.mailgate.gateway.session;

/**
 * How a drain went.
 *
 * @param asked sessions live when the drain began, each asked to finish
 * @param forced sessions still live when the timeout ran out, closed without a goodbye
 */
public record DrainReport(int asked, int forced) {}
