package dev.tollgate.gateway.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/** Signs test workload tokens with a chosen key, header and claims. */
public final class TestTokens {

    private TestTokens() {
    }

    public static Builder builder(ECKey key) {
        return new Builder(key);
    }

    public static final class Builder {
        private final ECKey key;
        private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString());
        private JWSHeader.Builder header;
        private Instant issuedAt = Instant.now();

        Builder(ECKey key) {
            this.key = key;
            this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
        }

        public Builder issuer(String iss) {
            claims.issuer(iss);
            return this;
        }

        public Builder subject(String sub) {
            claims.subject(sub);
            return this;
        }

        public Builder audience(String aud) {
            claims.audience(aud);
            return this;
        }

        public Builder issuedAt(Instant iat) {
            this.issuedAt = iat;
            claims.issueTime(Date.from(iat));
            return this;
        }

        public Builder expiresIn(Duration lifetime) {
            claims.expirationTime(Date.from(issuedAt.plus(lifetime)));
            return this;
        }

        public Builder expiresAt(Instant exp) {
            claims.expirationTime(Date.from(exp));
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.claim(name, value);
            return this;
        }

        public Builder confirmation(Map<String, Object> cnf) {
            claims.claim("cnf", cnf);
            return this;
        }

        public Builder header(java.util.function.UnaryOperator<JWSHeader.Builder> change) {
            header = change.apply(header);
            return this;
        }

        public String sign() {
            SignedJWT jwt = new SignedJWT(header.build(), claims.build());
            try {
                jwt.sign(new ECDSASigner(key));
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return jwt.serialize();
        }
    }
}
