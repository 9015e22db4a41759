package dev.tollgate.gateway.admin;

import java.nio.file.Path;

/**
 * The admin API's listener.
 *
 * @param tenant   the tenant whose workloads may administer Tollgate, and whose policy authorizes each admin call
 * @param bindings which tenants each AuthZEN enforcement point may ask about
 */
public record AdminSettings(boolean enabled, String address, int port, String tenant, Path certificate,
                            Path privateKey, PdpBindings bindings) {
    public AdminSettings {
        bindings = bindings == null ? PdpBindings.of(null, null, null) : bindings;
    }
}
