/**
 * The benchmarks and dev-set checks that {@code bench/*.sh} run; figures go to docs/BENCHMARKS.md.
 */
package io.winnow.bench;
