package dev.tollgate.gateway.testsupport;

import java.util.UUID;

/** The Redis the tests use: {@code TOLLGATE_TEST_REDIS_URI} (CI starts one), else the local default. */
public final class TestRedis {

    private TestRedis() {
    }

    public static String uri() {
        String uri = System.getenv("TOLLGATE_TEST_REDIS_URI");
        return uri == null || uri.isBlank() ? "redis://127.0.0.1:6379" : uri;
    }

    /** A key prefix no other test run shares. */
    public static String uniquePrefix() {
        return "tollgate-test:" + UUID.randomUUID() + ":";
    }
}
