package dev.tollgate.gateway.admin;

import java.nio.file.Path;

/**
 * The admin API's listener.
 *
 * @param tenant the tenant whose workloads may administer Tollgate, and whose policy authorizes each admin call
 */
public record AdminSettings(boolean enabled, String address, int port, String tenant, Path certificate,
                            Path privateKey) {
}
