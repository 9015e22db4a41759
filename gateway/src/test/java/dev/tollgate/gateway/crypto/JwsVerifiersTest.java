package dev.tollgate.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remembered header keys: a cache hit must answer exactly what parsing the same members would. */
class JwsVerifiersTest {

    private final JwsVerifiers verifiers = new JwsVerifiers(SignatureProviders.select(List.of("jdk")), 10);

    @Test
    void equalMembersAreTheSameKeyAndDifferentMembersAreNot() throws Exception {
        ECKey a = new ECKeyGenerator(Curve.P_256).generate();
        ECKey b = new ECKeyGenerator(Curve.P_256).generate();
        JwsVerifiers.PublicJwk first = verifiers.publicJwk(members(a));
        JwsVerifiers.PublicJwk again = verifiers.publicJwk(members(a));
        assertThat(again).isSameAs(first);
        assertThat(first.thumbprint()).isEqualTo(a.computeThumbprint().toString());
        assertThat(first.jwk()).isEqualTo(a.toPublicJWK());
        assertThat(verifiers.publicJwk(members(b)).thumbprint()).isEqualTo(b.computeThumbprint().toString());
    }

    /** The caller's map is the request's; changing it afterwards must not change what was remembered. */
    @Test
    void changingTheMapAfterwardsDoesNotChangeTheRememberedKey() throws Exception {
        ECKey a = new ECKeyGenerator(Curve.P_256).generate();
        ECKey b = new ECKeyGenerator(Curve.P_256).generate();
        Map<String, Object> map = members(a);
        verifiers.publicJwk(map);
        map.putAll(members(b));
        assertThat(verifiers.publicJwk(map).thumbprint()).isEqualTo(b.computeThumbprint().toString());
        assertThat(verifiers.publicJwk(members(a)).thumbprint()).isEqualTo(a.computeThumbprint().toString());
    }

    @Test
    void aPrivateKeyIsRefusedEveryTimeAndNeverRemembered() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Map<String, Object> withPrivate = key.toJSONObject();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> verifiers.publicJwk(withPrivate)).isInstanceOf(ParseException.class);
        }
    }

    @Test
    void whatIsNotAJwkObjectIsRefused() {
        for (Object member : List.of("a string", 42, List.of(), Map.of("kty", "EC"), Map.of("kty", "nope"),
                Map.of("kty", "EC", "crv", "P-256", "x", "AAAA", "y", "AAAA"))) {
            assertThatThrownBy(() -> verifiers.publicJwk(member)).as("%s", member).isInstanceOf(ParseException.class);
        }
    }

    private static Map<String, Object> members(ECKey key) {
        return new LinkedHashMap<>(key.toPublicJWK().toJSONObject());
    }
}
