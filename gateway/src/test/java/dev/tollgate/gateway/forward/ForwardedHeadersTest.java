package dev.tollgate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * The proxied request's headers. Generated variants: every identity header name and Txn-Token in random letter case,
 * repeated, with forged values, on routes with and without enforcement; the upstream must see none of the forged
 * values, exactly the verified identity, and the inbound request itself must stay untouched.
 */
class ForwardedHeadersTest {

    private static final List<String> SENSITIVE = List.of(IdentityHeaders.PRINCIPAL, IdentityHeaders.TENANT,
            IdentityHeaders.TRUST_DOMAIN, IdentityHeaders.CREDENTIALS, IdentityHeaders.DECISION_ID,
            IdentityHeaders.ACTORS, "X-Tollgate-Anything-Else", "Txn-Token");
    private static final Authentication CHECKOUT = new Authentication(new Principal(
            "spiffe://acme.test/ns/shop/sa/checkout", "acme.test", "acme", null, Map.of(),
            Set.of(CredentialKind.MTLS, CredentialKind.JWT)), "hash", "jti", null, null, Instant.now());

    private final ForwardedHeaders filter = new ForwardedHeaders();
    private final Random random = new Random(16);

    @Test
    void forgedIdentityHeadersInAnyLetterCaseNeverReachTheUpstream() {
        for (int round = 0; round < 500; round++) {
            MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/acme/orders/1")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer t").header("DPoP", "proof")
                    .header("Accept-Encoding", "gzip").header("X-Other", "kept");
            List<String> sent = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                String name = anyCase(SENSITIVE.get(random.nextInt(SENSITIVE.size())));
                request.header(name, "forged-" + round);
                sent.add(name);
            }
            MockServerWebExchange exchange = MockServerWebExchange.from(request);
            boolean enforced = random.nextBoolean();
            boolean strip = random.nextBoolean();
            if (enforced) {
                exchange.getAttributes().put(ForwardedHeaders.FORWARDING,
                        new ForwardedHeaders.Forwarding(CHECKOUT, "d-" + round, strip, true, null));
            }
            // As Spring Cloud Gateway runs it: its own filters first (the hop-by-hop one copies), then ours, or ours alone.
            HttpHeaders in = random.nextBoolean()
                    ? new RemoveHopByHopHeadersFilter().filter(exchange.getRequest().getHeaders(), exchange)
                    : exchange.getRequest().getHeaders();
            HttpHeaders out = filter.filter(in, exchange);

            out.forEach((name, values) -> assertThat(values).as("%s sent as %s", name, sent)
                    .noneMatch(v -> v.startsWith("forged-")));
            assertThat(out.getFirst("X-Other")).isEqualTo("kept");
            if (enforced) {
                assertThat(out.get(IdentityHeaders.PRINCIPAL)).containsExactly(CHECKOUT.principal().id());
                assertThat(out.get(IdentityHeaders.TENANT)).containsExactly("acme");
                assertThat(out.get(IdentityHeaders.CREDENTIALS)).containsExactly("mtls,jwt");
                assertThat(out.get(IdentityHeaders.DECISION_ID)).containsExactly("d-" + round);
                assertThat(out.containsHeader(IdentityHeaders.ACTORS)).isFalse();
                assertThat(out.containsHeader(HttpHeaders.AUTHORIZATION)).isEqualTo(!strip);
                assertThat(out.containsHeader("DPoP")).isEqualTo(!strip);
                assertThat(out.containsHeader(HttpHeaders.ACCEPT_ENCODING)).isFalse();
            } else {
                assertThat(out.headerNames()).noneMatch(n -> n.toLowerCase(Locale.ROOT).startsWith("x-tollgate-"));
                assertThat(out.getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer t");
            }
            // The inbound request is what the decision log and the policy saw: never edited.
            assertThat(exchange.getRequest().getHeaders().getFirst(sent.get(0))).isEqualTo("forged-" + round);
        }
    }

    @Test
    void aRequestWithNothingToChangeIsPassedOnAsItIs() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/public/x")
                .header("X-Other", "kept"));
        HttpHeaders in = exchange.getRequest().getHeaders();
        assertThat(filter.filter(in, exchange)).isSameAs(in);
    }

    private String anyCase(String name) {
        StringBuilder b = new StringBuilder();
        for (char ch : name.toCharArray()) {
            b.append(random.nextBoolean() ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
        }
        return b.toString();
    }
}
