/** Benchmarks and load scenarios; nothing here runs in the test suite. */
package dev.tollgate.perf;
