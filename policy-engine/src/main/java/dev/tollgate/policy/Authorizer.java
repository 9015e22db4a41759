package dev.tollgate.policy;

/** Decides one {@link AccessRequest}: forbid overrides permit, default deny. Pure and thread-safe. */
@FunctionalInterface
public interface Authorizer {
    Decision authorize(AccessRequest request);
}
