/**
 * Reading URL lists (txt, csv, tsv, jsonl, Parquet) and image folders, with keys and URL
 * normalisation.
 */
package io.winnow.crawl.read;
