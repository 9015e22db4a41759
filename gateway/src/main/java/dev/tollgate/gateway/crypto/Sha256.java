package dev.tollgate.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex: how Tollgate refers to a credential without holding it. */
public final class Sha256 {

    private Sha256() {
    }

    public static String hex(String value) {
        return HexFormat.of().formatHex(digest(value.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * A fresh digest per call, cloned from one made at class load: {@code getInstance} looks the provider up every
     * time, and a request hashes several values (token id, cache keys, replay keys).
     */
    private static final MessageDigest PROTOTYPE = prototype();

    public static byte[] digest(byte[] value) {
        MessageDigest md;
        try {
            md = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            md = prototype(); // a provider whose digest cannot be cloned: look it up each time
        }
        return md.digest(value);
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
