package dev.tollgate.policy;

/** What a rule says when it applies. Forbid always wins. */
public enum Effect { PERMIT, FORBID }
