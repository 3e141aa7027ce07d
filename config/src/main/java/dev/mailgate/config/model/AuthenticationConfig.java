package dev.mailgate.config.model;

import java.util.Optional;

/**
 * @param mode default mode for routes that do not set one (default pass_through)
 * @param verifyLookup in verify mode, the auth_http lookup that checks passwords (absent: local
 *     users)
 * @param masterUser log in to backends as this master user after verifying here
 */
public record AuthenticationConfig(AuthMode mode, Optional<String> verifyLookup,
    Optional<MasterUserConfig> masterUser) {}
