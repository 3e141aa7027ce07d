package dev.mailgate.config.model;

import java.nio.file.Path;

/**
 * @param hostname the name in greetings and the self-signed certificate
 * @param dataDir where state lives (self-signed certificate, local tier); default {@code ./data}
 *     or {@code MAILGATE_DATA}
 */
public record ServerConfig(String hostname, Path dataDir) {}
