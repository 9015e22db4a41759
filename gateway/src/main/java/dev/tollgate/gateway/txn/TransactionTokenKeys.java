package dev.tollgate.gateway.txn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's signing keys for transaction tokens: P-256 keys made in memory, the newest signing, the one before it
 * still published (an upstream that cached the JWKS keeps verifying tokens minted just before a rotation). Rotation
 * runs off the request path ({@link #rotate()} on a timer); signing uses a DRBG seeded once at start, so minting never
 * reads an entropy device on an event loop.
 */
public final class TransactionTokenKeys {

    /** A key with the signer built for it. */
    record Signing(ECKey key, ECDSASigner signer, Instant created) {
    }

    private final Clock clock;
    private final Duration rotation;
    private final SecureRandom random;
    /** The provider that signs ({@code null}: the JDK's): the one {@code tollgate.crypto} selected for ES256. */
    private final java.security.Provider provider;
    private final AtomicReference<List<Signing>> keys = new AtomicReference<>(List.of());

    public TransactionTokenKeys(Clock clock, Duration rotation) {
        this(clock, rotation, null);
    }

    /**
     * {@code provider} signs: the JDK's ECDSA costs ~450 µs per signature on JDK 17, a native one (AWS-LC, BoringSSL)
     * a few tens — and a transaction token is one signature per forwarded request.
     */
    public TransactionTokenKeys(Clock clock, Duration rotation, java.security.Provider provider) {
        this.clock = clock;
        this.rotation = rotation;
        this.provider = provider;
        try {
            this.random = SecureRandom.getInstance("DRBG",
                    DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom", e);
        }
        rotate();
    }

    /** Makes a new signing key; the previous one stays published, older ones go. */
    public synchronized void rotate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true)
                    .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).secureRandom(random).generate();
            ECDSASigner signer = new ECDSASigner(key);
            signer.getJCAContext().setSecureRandom(random);
            if (provider != null) {
                signer.getJCAContext().setProvider(provider);
            }
            List<Signing> next = new ArrayList<>(2);
            next.add(new Signing(key, signer, clock.instant()));
            List<Signing> current = keys.get();
            if (!current.isEmpty()) {
                next.add(current.get(0));
            }
            keys.set(List.copyOf(next));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a transaction-token key", e);
        }
    }

    /** Rotates when the signing key is older than the rotation interval (called by a timer). */
    public void rotateIfDue() {
        if (!keys.get().get(0).created().plus(rotation).isAfter(clock.instant())) {
            rotate();
        }
    }

    Signing signing() {
        return keys.get().get(0);
    }

    public Duration rotation() {
        return rotation;
    }

    /** The public keys, as the JWKS upstreams verify against. */
    public String jwks() {
        List<JWK> published = keys.get().stream().map(s -> (JWK) s.key().toPublicJWK()).toList();
        return new JWKSet(published).toString();
    }
}
