/** The {@code winnow} command line (picocli): run, demo, refresh, takedown, versions, report. */
package io.winnow.cli;
