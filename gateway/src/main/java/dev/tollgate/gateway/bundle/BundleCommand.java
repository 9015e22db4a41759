package dev.tollgate.gateway.bundle;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * {@code java -jar tollgate-gateway-exec.jar bundle ...}: make a signing key, build and sign a bundle from a policy
 * folder, verify one. Exit 0 on success, 2 on a refusal or a usage error.
 * <pre>
 * bundle keygen  signing-key.jwk verification-keys.jwks
 * bundle build   config/policies bundle.zip --key signing-key.jwk [--label 2026-12-02.1]
 * bundle verify  bundle.zip --keys verification-keys.jwks
 * </pre>
 */
public final class BundleCommand {

    private BundleCommand() {
    }

    public static int run(String[] args, PrintStream out) {
        try {
            List<String> a = List.of(args);
            if (a.size() == 3 && a.get(0).equals("keygen")) {
                ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true)
                        .generate();
                Path secret = Path.of(a.get(1));
                Files.writeString(secret, key.toJSONString());
                try {
                    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(Path.of(a.get(2)), new JWKSet(key.toPublicJWK()).toString());
                out.println("signing key " + key.getKeyID() + " in " + secret + " (keep it secret); public key in "
                        + a.get(2) + " (tollgate.policies.bundle.verification-keys)");
                return 0;
            }
            if (a.size() >= 5 && a.get(0).equals("build") && a.get(3).equals("--key")) {
                JWK key = JWK.parse(Files.readString(Path.of(a.get(4))));
                if (!key.isPrivate()) {
                    throw new IllegalArgumentException(a.get(4) + " is not a private key");
                }
                String label = a.size() == 7 && a.get(5).equals("--label") ? a.get(6) : null;
                byte[] bundle = PolicyBundle.build(Path.of(a.get(1)), key, label);
                Files.write(Path.of(a.get(2)), bundle);
                PolicyBundle.Contents c = PolicyBundle.verify(bundle, new JWKSet(key.toPublicJWK()));
                out.println("bundle " + a.get(2) + ": " + c.files().size() + " files, sha-256 " + c.digest()
                        + (label == null ? "" : ", label " + label));
                return 0;
            }
            if (a.size() == 4 && a.get(0).equals("verify") && a.get(2).equals("--keys")) {
                PolicyBundle.Contents c = PolicyBundle.verify(Files.readAllBytes(Path.of(a.get(1))),
                        JWKSet.load(Path.of(a.get(3)).toFile()));
                out.println("bundle " + a.get(1) + " verified: " + c.files().size() + " files, label '" + c.label()
                        + "', signed " + c.signedAt() + ", sha-256 " + c.digest());
                c.files().keySet().forEach(f -> out.println("  " + f));
                return 0;
            }
            out.println("""
                    usage:
                      bundle keygen signing-key.jwk verification-keys.jwks
                      bundle build  <policy folder> <bundle.zip> --key signing-key.jwk [--label <label>]
                      bundle verify <bundle.zip> --keys verification-keys.jwks""");
            return 2;
        } catch (BundleRefusedException e) {
            out.println("refused (" + e.reason() + "): " + e.getMessage());
            return 2;
        } catch (Exception e) {
            out.println("error: " + e.getMessage());
            return 2;
        }
    }
}
