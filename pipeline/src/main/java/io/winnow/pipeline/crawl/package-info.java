/**
 * Fetching: the guarded HTTP client (SSRF guard, redirects, robots.txt, opt-out headers, size and
 * type checks; {@link io.winnow.pipeline.crawl.HttpFetcher}) and the stage that runs it politely
 * per host ({@link io.winnow.pipeline.crawl.FetchImages}).
 */
package io.winnow.pipeline.crawl;
