package dev.tollgate.gateway.authz;

import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.Revision;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A candidate policy evaluated beside the active one on live traffic, with no effect on any answer: every request the
 * gateway decides is decided again by the candidate, and each disagreement goes to a {@link Disagreements} sink (the
 * decision log and a metric) — so an operator sees what a change would deny, or allow, before activating it.
 * In-process and synchronous like the active decision (a few microseconds); nothing is cached.
 */
public final class ShadowPolicy {

    /** Where a disagreement is reported. */
    @FunctionalInterface
    public interface Disagreements {
        void report(AccessRequest request, String routeId, Authorization active, Decision candidate);
    }

    /** What the admin API shows. */
    public record Status(boolean shadowing, Path directory, Map<String, Revision> revisions, long evaluations,
                         long disagreements, long errors) {
    }

    private record Candidate(PolicyEngine engine, Path directory) {
    }

    private final Clock clock;
    private final Disagreements sink;
    private volatile Candidate candidate;
    private final AtomicLong evaluations = new AtomicLong();
    private final AtomicLong disagreements = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public ShadowPolicy(Clock clock, Disagreements sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /** Loads {@code directory} as the candidate (replacing any); {@link dev.tollgate.policy.PolicyLoadException} if it does not load. */
    public Status shadow(Path directory) {
        candidate = new Candidate(PolicyEngine.load(directory, clock), directory);
        evaluations.set(0);
        disagreements.set(0);
        errors.set(0);
        return status();
    }

    /** Stops shadowing; returns the candidate's directory, or {@code null} when there was none. */
    public Path stop() {
        Candidate c = candidate;
        candidate = null;
        return c == null ? null : c.directory();
    }

    public Status status() {
        Candidate c = candidate;
        return new Status(c != null, c == null ? null : c.directory(), c == null ? Map.of() : c.engine().revisions(),
                evaluations.get(), disagreements.get(), errors.get());
    }

    /** Decides {@code request} with the candidate too, and reports a different answer. */
    public void compare(AccessRequest request, String routeId, Authorization active) {
        Candidate c = candidate;
        if (c == null) {
            return;
        }
        evaluations.incrementAndGet();
        Decision d;
        try {
            d = c.engine().authorize(request);
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            return;
        }
        if (!d.errors().isEmpty()) {
            errors.incrementAndGet();
        }
        if (d.allowed() != active.allowed()) {
            disagreements.incrementAndGet();
            sink.report(request, routeId, active, d);
        }
    }
}
