package dev.tollgate.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import java.util.List;
import java.util.Locale;

/**
 * The type of a declared entity attribute or request property ({@code entities.yaml} {@code schema:}): what a
 * condition may do with it is checked at load, and a value of another type never reaches a condition.
 */
public enum AttributeType {
    STRING(SimpleType.STRING, ""),
    INT(SimpleType.INT, 0L),
    BOOL(SimpleType.BOOL, false),
    /** A list of strings (roles, teams, tags). */
    LIST(ListType.create(SimpleType.STRING), List.of());

    private final CelType celType;
    private final Object empty;

    AttributeType(CelType celType, Object empty) {
        this.celType = celType;
        this.empty = empty;
    }

    static AttributeType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute type '" + name + "' must be string, int, bool or list");
        }
    }

    CelType celType() {
        return celType;
    }

    /** What an absent attribute reads as: the empty value of its type ({@code ""}, {@code 0}, {@code false}, {@code []}). */
    Object empty() {
        return empty;
    }

    /** {@code value} as this type, or {@code null} when it is not one (a condition then cannot read it). */
    Object coerce(Object value) {
        return switch (this) {
            case STRING -> value instanceof String s ? s : null;
            case INT -> value instanceof Integer i ? (Object) i.longValue()
                    : value instanceof Long l ? l
                    : value instanceof java.math.BigInteger b && b.bitLength() < 64 ? (Object) b.longValue() : null;
            case BOOL -> value instanceof Boolean b ? b : null;
            case LIST -> value instanceof List<?> l && l.stream().allMatch(String.class::isInstance)
                    ? List.copyOf(l) : null;
        };
    }
}
