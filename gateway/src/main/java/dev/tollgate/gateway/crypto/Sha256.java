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

    public static byte[] digest(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
