/** Tenant-scoped policy: plain Java, no Spring, Reactor, Redis or Nimbus. */
package dev.tollgate.policy;
