/**
 * Fetching: the guarded HTTP client (SSRF guard, one redirect walker, robots.txt and AI-preference
 * headers read by {@link io.winnow.crawl.RobotsRules} and {@link io.winnow.crawl.OptOutHeaders},
 * size and type checks; {@link io.winnow.crawl.HttpFetcher}), the stage that runs it politely per
 * host ({@link io.winnow.crawl.FetchImages}), and the run's safety lists, read from files or over
 * the same guarded client ({@link io.winnow.crawl.SafetyLists}). URL lists are read in {@code
 * io.winnow.crawl.read}.
 */
package io.winnow.crawl;
