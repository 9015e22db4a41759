package dev.tollgate.gateway.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
            new Workload("globex.demo", "globex", "spiffe://globex.demo/ns/billing/sa/invoicer", "globex-invoicer"),
            new Workload("ops.demo", "tollgate-admin", "spiffe://ops.demo/ns/ops/sa/operator", "ops-operator"));

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
        if (Files.exists(issuerSigningKey()) && Files.exists(pki("server.pem"))
                && WORKLOADS.stream().allMatch(w -> Files.exists(pki(w.fileStem() + ".pem")))) {
            return false;
        }
        try {
            Files.createDirectories(dir.resolve("issuer"));
            Certificates.Issued serverCa = Certificates.selfSigned(Certificates.ca("Tollgate demo server CA"));
            Certificates.writePem(pki("server-ca.pem"), serverCa.certificate());
            Certificates.issue(serverCa, Certificates.server("localhost").validity(Instant.now().minusSeconds(60),
                    Instant.now().plus(Duration.ofDays(90)))).writePem(pki("server.pem"), pki("server-key.pem"));
            for (Workload w : WORKLOADS) {
                Certificates.Issued ca = Certificates.selfSigned(
                        Certificates.ca(w.trustDomain() + " demo CA").uri("spiffe://" + w.trustDomain()));
                Certificates.writePem(pki(w.trustDomain() + "-bundle.pem"), ca.certificate());
                Certificates.issue(ca, Certificates.svid(w.spiffeId()).validity(Instant.now().minusSeconds(60),
                        Instant.now().plus(Duration.ofDays(90)))).writePem(pki(w.fileStem() + ".pem"),
                        pki(w.fileStem() + "-key.pem"));
            }
            ECKey signing = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true)
                    .generate();
            Files.writeString(issuerSigningKey(), signing.toJSONString());
            Files.writeString(issuerJwks(), new JWKSet(signing.toPublicJWK()).toString(true));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the demo issuer key: " + e.getMessage(), e);
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
}
