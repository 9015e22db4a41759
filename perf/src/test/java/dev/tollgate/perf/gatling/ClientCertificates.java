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
