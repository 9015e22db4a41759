package dev.tollgate.gateway.dpop;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-provided DPoP nonces (RFC 9449 section 8) that every instance can check without shared state or sticky
 * sessions: a nonce is an HMAC of the current time step under a secret all instances share. The current and the
 * previous step's nonces are accepted, so a nonce is good for one to two lifetimes.
 */
public final class DPoPNonces {

    public static final String HEADER = "DPoP-Nonce";

    private final SecretKeySpec key;
    private final long stepMillis;
    private final Clock clock;
    private final ThreadLocal<Mac> macs;
    private volatile long cachedStep = Long.MIN_VALUE;
    private volatile String cachedNonce;

    public DPoPNonces(byte[] secret, Duration lifetime, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("tollgate.dpop.nonce-secret must be at least 32 bytes (base64)");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.stepMillis = lifetime.toMillis();
        this.clock = clock;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** From {@code tollgate.dpop.nonce-secret}, or a random secret (single instance only) when none is set. */
    public static DPoPNonces of(String base64Secret, Duration lifetime, Clock clock) {
        byte[] secret;
        if (base64Secret == null || base64Secret.isBlank()) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        } else {
            secret = Base64.getDecoder().decode(base64Secret.trim());
        }
        return new DPoPNonces(secret, lifetime, clock);
    }

    /** The nonce clients should use now. */
    public String current() {
        long step = clock.millis() / stepMillis;
        if (step != cachedStep) {
            cachedNonce = nonce(step);
            cachedStep = step;
        }
        return cachedNonce;
    }

    /** Whether {@code nonce} is this step's or the previous step's. */
    public boolean valid(String nonce) {
        if (nonce == null || nonce.length() != 22) {
            return false;
        }
        long step = clock.millis() / stepMillis;
        return equal(nonce, nonce(step)) || equal(nonce, nonce(step - 1));
    }

    private String nonce(long step) {
        Mac mac = macs.get();
        byte[] tag = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(tag, 16));
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                b.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
