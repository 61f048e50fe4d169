/**
 * The run's outputs beside the data: summary, rejections, timings, configuration, and the HTML
 * report.
 */
package io.winnow.report;
