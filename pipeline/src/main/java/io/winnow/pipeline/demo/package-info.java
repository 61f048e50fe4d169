/** The demo's corpus and loopback servers ({@code ./winnow demo}, tests, benches). */
package io.winnow.pipeline.demo;
