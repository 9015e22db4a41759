package dev.tollgate.gateway.redis;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS to Redis ({@code rediss://}) beyond the JVM's defaults: the CA bundle that issued Redis's certificate, and a
 * client certificate and PKCS#8 key for a Redis that requires one. Each may be {@code null}.
 */
public record RedisTlsFiles(Path ca, Path certificate, Path privateKey) {

    public RedisTlsFiles {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("tollgate.redis.tls needs both certificate and private-key, or neither");
        }
        for (Path p : new Path[] {ca, certificate, privateKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("tollgate.redis.tls: cannot read " + p);
            }
        }
    }
}
