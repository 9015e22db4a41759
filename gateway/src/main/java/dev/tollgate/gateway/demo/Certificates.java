package dev.tollgate.gateway.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate issuance for the demo and the tests (BouncyCastle): CAs, X.509-SVIDs and server certificates, with
 * the knobs the tests need to make bad ones (expired, two URI SANs, a CA as leaf, wrong key usage).
 */
public final class Certificates {

    /** A certificate with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key, KeyPair keyPair) {

        public void writePem(Path certificateFile, Path keyFile) {
            Certificates.writePem(certificateFile, certificate);
            try {
                Certificates.writePem(keyFile, new JcaPKCS8Generator(key, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What to put in a certificate; start from {@link #svid}, {@link #ca} or {@link #server} and adjust. */
    public static final class Spec {
        String subject = "O=SPIFFE";
        final List<GeneralName> sans = new ArrayList<>();
        boolean ca;
        int keyUsage = KeyUsage.digitalSignature;
        Instant notBefore = Instant.now().minusSeconds(60);
        Instant notAfter = Instant.now().plus(Duration.ofDays(30));
        final List<KeyPurposeId> extendedKeyUsage = new ArrayList<>();
        Integer pathLength;
        String permittedUriHost;

        public Spec subject(String dn) {
            this.subject = dn;
            return this;
        }

        public Spec uri(String uri) {
            sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
            return this;
        }

        public Spec dns(String name) {
            sans.add(new GeneralName(GeneralName.dNSName, name));
            return this;
        }

        public Spec ip(String address) {
            sans.add(new GeneralName(GeneralName.iPAddress, address));
            return this;
        }

        public Spec ca(boolean isCa) {
            this.ca = isCa;
            return this;
        }

        /** BouncyCastle {@link KeyUsage} bits. */
        public Spec keyUsage(int bits) {
            this.keyUsage = bits;
            return this;
        }

        /** An extended key usage extension with these purposes (none: no extension, as SPIFFE allows). */
        public Spec extendedKeyUsage(KeyPurposeId... purposes) {
            extendedKeyUsage.addAll(List.of(purposes));
            return this;
        }

        /** For a CA: at most this many intermediates below it (basic constraints pathLenConstraint). */
        public Spec pathLength(int length) {
            this.pathLength = length;
            return this;
        }

        /** For a CA: name constraints permitting only URIs of this host (a trust domain). */
        public Spec permittedUriHost(String host) {
            this.permittedUriHost = host;
            return this;
        }

        public Spec validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }
    }

    private Certificates() {
    }

    public static Spec svid(String spiffeId) {
        return new Spec().uri(spiffeId);
    }

    public static Spec ca(String commonName) {
        return new Spec().subject("CN=" + commonName).ca(true).keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                .validity(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(365)));
    }

    public static Spec server(String host) {
        return new Spec().subject("CN=" + host).dns(host).ip("127.0.0.1");
    }

    /** A self-signed certificate (a root CA). */
    public static Issued selfSigned(Spec spec) {
        KeyPair key = ecKeyPair();
        return new Issued(build(spec, new X500Name(spec.subject), key, key.getPrivate(), null), key.getPrivate(), key);
    }

    /** A certificate issued by {@code issuer}. */
    public static Issued issue(Issued issuer, Spec spec) {
        KeyPair key = ecKeyPair();
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        return new Issued(build(spec, issuerName, key, issuer.key(), issuer.certificate()), key.getPrivate(), key);
    }

    private static X509Certificate build(Spec spec, X500Name issuerName, KeyPair key, PrivateKey signer,
                                         X509Certificate issuerCert) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(127, new SecureRandom()), Date.from(spec.notBefore), Date.from(spec.notAfter),
                    new X500Name(spec.subject), key.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, spec.ca && spec.pathLength != null
                    ? new BasicConstraints(spec.pathLength) : new BasicConstraints(spec.ca));
            if (!spec.extendedKeyUsage.isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(spec.extendedKeyUsage.toArray(KeyPurposeId[]::new)));
            }
            if (spec.permittedUriHost != null) {
                b.addExtension(Extension.nameConstraints, true, new NameConstraints(new GeneralSubtree[] {
                    new GeneralSubtree(new GeneralName(GeneralName.uniformResourceIdentifier, spec.permittedUriHost))},
                        null));
            }
            b.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            if (!spec.sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(spec.sans.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue certificate: " + e.getMessage(), e);
        }
    }

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writePem(Path path, Object object) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(object);
            }
            Files.writeString(path, out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
