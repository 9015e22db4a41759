package dev.tollgate.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A cached decision is reused only when the attributes its rules read are the same: their texts must never collide
 * (review: {@code toString} made a header holding ", x-env=prod" look like a second header).
 */
class RequestAttributesTest {

    @Test
    void differentValuesNeverShareATextEvenWhenTheirToStringsDo() {
        Map<String, String> one = new TreeMap<>(Map.of("x-a", "1, x-env=prod"));
        Map<String, String> two = new TreeMap<>(Map.of("x-a", "1", "x-env", "prod"));
        assertThat(one.toString()).isEqualTo(two.toString());
        assertThat(RequestAttributes.canonical(one)).isNotEqualTo(RequestAttributes.canonical(two));
        List<Object> values = List.of("1", 1L, 1.0, true, "true", List.of("a,b"), List.of("a", "b"), Map.of(),
                List.of(), "", "\"", "\\\"", Map.of("a", Map.of("b", "c")), Map.of("a.b", "c"));
        for (int i = 0; i < values.size(); i++) {
            for (int j = 0; j < values.size(); j++) {
                if (i != j) {
                    assertThat(RequestAttributes.canonical(values.get(i)))
                            .as("%s vs %s", values.get(i), values.get(j))
                            .isNotEqualTo(RequestAttributes.canonical(values.get(j)));
                }
            }
        }
        assertThat(RequestAttributes.canonical(new TreeMap<>(Map.of("b", "2", "a", "1"))))
                .isEqualTo(RequestAttributes.canonical(Map.of("a", "1", "b", "2")));
    }
}
