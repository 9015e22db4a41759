package dev.tollgate.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureSpi;
import org.junit.jupiter.api.Test;

/** The known-answer vectors stay valid, and a provider that accepts what it should refuse is never selected. */
class ProviderSelfTestTest {

    @Test
    void everyVectorIsAValidSignatureByTheJdksOwnProviders() throws Exception {
        for (String jca : SignatureProviders.JCA_NAMES.values()) {
            Signature jdk = Signature.getInstance(jca);
            jdk.initVerify(ProviderSelfTest.publicKey(jca));
            jdk.update(ProviderSelfTest.MESSAGE);
            assertThat(jdk.verify(ProviderSelfTest.signature(jca))).as(jca).isTrue();
        }
    }

    @Test
    void theBundledProvidersPassForEveryAlgorithm() {
        Provider bc = SignatureProviders.load("bc");
        for (String jca : SignatureProviders.JCA_NAMES.values()) {
            assertThat(ProviderSelfTest.passes(jca, bc)).as("BC " + jca).isTrue();
        }
        Provider accp = SignatureProviders.load("accp");
        if (accp != null) {
            for (String jca : SignatureProviders.JCA_NAMES.values()) {
                assertThat(ProviderSelfTest.passes(jca, accp)).as("ACCP " + jca).isTrue();
            }
        }
    }

    @Test
    void aProviderThatAcceptsAnySignatureFails() {
        for (String jca : SignatureProviders.JCA_NAMES.values()) {
            assertThat(ProviderSelfTest.passes(jca, new Fixed(jca, true))).as("accepts all, " + jca).isFalse();
            assertThat(ProviderSelfTest.passes(jca, new Fixed(jca, false))).as("refuses all, " + jca).isFalse();
        }
    }

    /** A provider whose one signature algorithm answers the same whatever it is given. */
    static final class Fixed extends Provider {
        Fixed(String jca, boolean answer) {
            super("fixed-" + answer, "1", "answers " + answer);
            putService(new Service(this, "Signature", jca, FixedSpi.class.getName(), null, null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new FixedSpi(answer);
                }
            });
        }
    }

    static final class FixedSpi extends SignatureSpi {
        private final boolean answer;

        FixedSpi(boolean answer) {
            this.answer = answer;
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            throw new InvalidKeyException("verify only");
        }

        @Override
        protected void engineUpdate(byte b) {
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
        }

        @Override
        protected byte[] engineSign() {
            return new byte[0];
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return answer;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
