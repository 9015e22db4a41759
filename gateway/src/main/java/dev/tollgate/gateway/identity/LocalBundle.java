package dev.tollgate.gateway.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * A trust domain's bundle from a local file, read at start-up: PEM X.509 authorities, or a SPIFFE bundle (JWKS)
 * when the file name ends in {@code .json}. Local files are the operator's own: never stale.
 */
public final class LocalBundle implements TrustBundleSource {

    private final SpiffeBundle bundle;

    public LocalBundle(Path file) {
        if (file.getFileName().toString().endsWith(".json")) {
            try {
                this.bundle = SpiffeBundle.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read trust bundle " + file, e);
            }
        } else {
            this.bundle = SpiffeBundle.ofX509(TrustDomains.readPem(file));
        }
    }

    @Override
    public SpiffeBundle current() {
        return bundle;
    }

    @Override
    public Mono<Void> refresh() {
        return Mono.empty();
    }

    @Override
    public boolean stale(Instant now, Duration bound) {
        return false;
    }
}
