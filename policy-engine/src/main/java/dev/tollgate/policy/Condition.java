package dev.tollgate.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rule's {@code when:} condition in CEL, type-checked at load against the declared attributes (so a misspelt or
 * unknown attribute is a load error, not a silent false) and compiled once per revision.
 */
public final class Condition {

    /** The attributes a condition may read, with their CEL types. See POLICY-LANGUAGE.md. */
    public static final Map<String, CelType> ATTRIBUTES;

    static {
        Map<String, CelType> a = new LinkedHashMap<>();
        CelType strings = MapType.create(SimpleType.STRING, SimpleType.STRING);
        CelType dyns = MapType.create(SimpleType.STRING, SimpleType.DYN);
        a.put("principal.id", SimpleType.STRING);
        a.put("principal.trust_domain", SimpleType.STRING);
        a.put("principal.tenant", SimpleType.STRING);
        a.put("principal.issuer", SimpleType.STRING);
        a.put("principal.claims", dyns);
        a.put("principal.mtls", SimpleType.BOOL);
        a.put("principal.dpop_bound", SimpleType.BOOL);
        a.put("principal.cert_bound", SimpleType.BOOL);
        a.put("principal.delegated", SimpleType.BOOL);
        a.put("principal.actor", SimpleType.STRING);
        a.put("principal.actors", ListType.create(SimpleType.STRING));
        a.put("mcp.method", SimpleType.STRING);
        a.put("mcp.name", SimpleType.STRING);
        a.put("mcp.arguments", dyns);
        a.put("request.method", SimpleType.STRING);
        a.put("request.path", SimpleType.STRING);
        a.put("request.headers", strings);
        a.put("request.query", strings);
        a.put("context.time", SimpleType.TIMESTAMP);
        a.put("context.route", SimpleType.STRING);
        a.put("context.environment", SimpleType.STRING);
        a.put("context.task", dyns);
        ATTRIBUTES = Map.copyOf(a);
    }

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String source;
    private final CelRuntime.Program program;
    private final Set<String> reads;

    private Condition(String source, CelRuntime.Program program, Set<String> reads) {
        this.source = source;
        this.program = program;
        this.reads = reads;
    }

    /** Type-checks and compiles; {@code captures} are the rule's resource variables, readable as {@code resource.x}. */
    public static Condition compile(String source, List<String> captures) {
        return compile(source, captures, Entities.Schema.EMPTY);
    }

    /** ... with the tenant's declared entity attributes and request properties ({@code entities.yaml}). */
    public static Condition compile(String source, List<String> captures, Entities.Schema schema) {
        // The standard macros: has(), all(), exists(), exists_one(), map(), filter().
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setResultType(SimpleType.BOOL)
                .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS);
        ATTRIBUTES.forEach(builder::addVar);
        captures.forEach(c -> builder.addVar("resource." + c, SimpleType.STRING));
        builder.addVar("principal.groups", ListType.create(SimpleType.STRING));
        schema.principal().forEach((n, t) -> builder.addVar("principal.attrs." + n, t.celType()));
        schema.resource().forEach((n, t) -> builder.addVar("resource.attrs." + n, t.celType()));
        schema.properties().forEach((kind, types) -> types.forEach((n, t) ->
                builder.addVar(kind + ".properties." + n, t.celType())));
        CelCompiler compiler = builder.build();
        try {
            CelAbstractSyntaxTree ast = compiler.compile(source).getAst();
            Set<String> reads = new TreeSet<>();
            ast.getReferenceMap().values().forEach(ref -> {
                if (!ref.name().isEmpty()) {
                    reads.add(ref.name());
                }
            });
            return new Condition(source, RUNTIME.createProgram(ast), Set.copyOf(reads));
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("condition does not type-check: " + e.getMessage().lines()
                    .findFirst().orElse(e.getMessage()));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("condition cannot be compiled: " + e.getMessage());
        }
    }

    /** True or false; throws {@link IllegalStateException} when evaluation fails (the rule then does not apply). */
    public boolean evaluate(Map<String, Object> activation) {
        try {
            Object result = program.eval(activation);
            if (result instanceof Boolean b) {
                return b;
            }
            throw new IllegalStateException("condition did not produce a boolean");
        } catch (CelEvaluationException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The attribute names the condition reads ({@code request.headers}, {@code resource.id}). */
    public Set<String> reads() {
        return reads;
    }

    public boolean readsTime() {
        return reads.contains("context.time");
    }

    /** Reads an MCP call's arguments: such a decision is about one call and is never reused for another. */
    public boolean readsArguments() {
        return reads.contains("mcp.arguments");
    }

    @Override
    public String toString() {
        return source;
    }
}
