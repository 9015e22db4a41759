package dev.tollgate.gateway.demo;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo's key material, generated once into a local folder that git ignores: a server CA and server certificate
 * for {@code localhost}, one CA per demo trust domain with one workload SVID each, and the demo token issuer's key.
 * Demo only: real deployments get SVIDs from SPIRE (or another SPIFFE implementation) and tokens from their IdP.
 */
public final class DemoPki {

    /** A demo workload: its SPIFFE ID and where its SVID and key are written. */
    public record Workload(String trustDomain, String tenant, String spiffeId, String fileStem) {
    }

    public static final List<Workload> WORKLOADS = List.of(
            new Workload("acme.demo", "acme", "spiffe://acme.demo/ns/shop/sa/checkout", "acme-checkout"),
            new Workload("globex.demo", "globex", "spiffe://globex.demo/ns/billing/sa/invoicer", "globex-invoicer"));

    private final Path dir;

    public DemoPki(Path dir) {
        this.dir = dir;
    }

    public Path pki(String file) {
        return dir.resolve("pki").resolve(file);
    }

    public Path issuerJwks() {
        return dir.resolve("issuer").resolve("jwks.json");
    }

    public Path issuerSigningKey() {
        return dir.resolve("issuer").resolve("signing-key.jwk");
    }

    /** Generates everything that is missing; existing material is kept so curl commands keep working across runs. */
    public boolean ensure() {
        if (Files.exists(issuerSigningKey()) && Files.exists(pki("server.pem"))) {
            return false;
        }
        try {
            Files.createDirectories(dir.resolve("pki"));
            Files.createDirectories(dir.resolve("issuer"));
            Instant now = Instant.now();
            KeyPair serverCaKey = ecKeyPair();
            X509Certificate serverCa = ca("CN=Tollgate demo server CA", serverCaKey, now, null);
            writePem(pki("server-ca.pem"), serverCa);
            KeyPair serverKey = ecKeyPair();
            X509Certificate server = leaf(serverCa, serverCaKey.getPrivate(), serverKey, now,
                    new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}),
                    KeyUsage.digitalSignature, "CN=localhost");
            writePem(pki("server.pem"), server);
            writePem(pki("server-key.pem"), new JcaPKCS8Generator(serverKey.getPrivate(), null));
            for (Workload w : WORKLOADS) {
                KeyPair caKey = ecKeyPair();
                X509Certificate ca = ca("CN=" + w.trustDomain() + " demo CA", caKey, now, "spiffe://" + w.trustDomain());
                writePem(pki(w.trustDomain() + "-bundle.pem"), ca);
                KeyPair key = ecKeyPair();
                X509Certificate svid = leaf(ca, caKey.getPrivate(), key, now,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, w.spiffeId())),
                        KeyUsage.digitalSignature, "O=SPIFFE");
                writePem(pki(w.fileStem() + ".pem"), svid);
                writePem(pki(w.fileStem() + "-key.pem"), new JcaPKCS8Generator(key.getPrivate(), null));
            }
            ECKey signing = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true)
                    .generate();
            Files.writeString(issuerSigningKey(), signing.toJSONString());
            Files.writeString(issuerJwks(), new JWKSet(signing.toPublicJWK()).toString(true));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate demo PKI: " + e.getMessage(), e);
        }
    }

    public ECKey signingKey() {
        try {
            return ECKey.parse(Files.readString(issuerSigningKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate ca(String subject, KeyPair key, Instant now, String spiffeUri) throws Exception {
        X500Name name = new X500Name(subject);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(365))), name, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
        if (spiffeUri != null) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeUri)));
        }
        return sign(b, key.getPrivate());
    }

    private static X509Certificate leaf(X509Certificate issuer, PrivateKey issuerKey, KeyPair key, Instant now,
                                        GeneralNames sans, int keyUsage, String subject) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(90))), new X500Name(subject),
                key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        b.addExtension(Extension.subjectAlternativeName, false, sans);
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
        return sign(b, issuerKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, new java.security.SecureRandom());
    }

    private static void writePem(Path path, Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object);
        }
        Files.writeString(path, out.toString());
    }
}
