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

    static KeyManagerFactory keyManagerFactory(Path material) {
        try {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(material.resolve("client.pem"))));
            String pem = Files.readString(material.resolve("client-key.pem")).replaceAll("-----[A-Z ]+-----", "")
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
