package dev.tollgate.perf.gatling;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;

/** The workload certificate a virtual user presents (PEM files written by PerfSetup). */
final class ClientCertificates {

    private ClientCertificates() {
    }

    /** Virtual user {@code user}'s own workload: its SVID, cycling through the ones PerfSetup wrote. */
    static int slot(long user) {
        return (int) (user % dev.tollgate.perf.setup.PerfSetup.CLIENTS);
    }

    static String token(Path material, long user) {
        try {
            return Files.readString(material.resolve("clients/client-" + slot(user) + ".jwt")).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no client tokens in " + material + " (run PerfSetup first)", e);
        }
    }

    private static final java.util.Map<Integer, com.nimbusds.jose.jwk.ECKey> DPOP_KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The user's DPoP-bound token. */
    static String dpopToken(Path material, long user) {
        try {
            return Files.readString(material.resolve("clients/client-" + slot(user) + "-dpop.jwt")).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no DPoP tokens in " + material + " (run PerfSetup first)", e);
        }
    }

    /** A fresh proof for one request, signed live with the user's DPoP key (as a real DPoP client does). */
    static String proof(Path material, long user, String method, String uri) {
        com.nimbusds.jose.jwk.ECKey key = DPOP_KEYS.computeIfAbsent(slot(user), s -> {
            try {
                return com.nimbusds.jose.jwk.ECKey.parse(Files.readString(
                        material.resolve("clients/client-" + s + "-dpop.json")));
            } catch (Exception e) {
                throw new IllegalStateException("no DPoP keys in " + material, e);
            }
        });
        return dev.tollgate.gateway.demo.DemoTokens.proof(key, method, uri, dpopToken(material, user));
    }

    static KeyManagerFactory keyManagerFactory(Path material, long user) {
        try {
            Path dir = material.resolve("clients");
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(dir.resolve("client-" + slot(user) + ".pem"))));
            String pem = Files.readString(dir.resolve("client-" + slot(user) + "-key.pem"))
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, new char[0], new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            return kmf;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the client certificate from " + material, e);
        }
    }
}
