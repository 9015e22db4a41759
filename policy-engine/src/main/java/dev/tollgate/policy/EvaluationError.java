package dev.tollgate.policy;

/** A rule whose condition could not be evaluated for this request; the rule did not apply. */
public record EvaluationError(String ruleId, String message) {
}
