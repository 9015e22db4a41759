package dev.tollgate.gateway.conformance;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;

/**
 * One signature test case, in Wycheproof's terms: the key, message and signature, and whether a correct verifier must
 * accept ({@code valid}), must refuse ({@code invalid}) or may do either ({@code acceptable}).
 *
 * @param source where it came from: a Wycheproof file or the generator
 * @param id     its id there ({@code tcId})
 */
record SignatureVector(String source, String id, JWSAlgorithm alg, JWK key, byte[] message, byte[] signature,
                       String result, String comment) {

    String name() {
        return source + "#" + id + " (" + comment + ")";
    }
}
