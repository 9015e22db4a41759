/** Failure modes as data and the Reactor operators that apply them. No Spring. */
package dev.tollgate.fallback;
