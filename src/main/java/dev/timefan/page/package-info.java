/**
 * The comparison page at {@code /} (static files in {@code static/}, Chart.js from its
 * WebJar, nothing from another host) and {@code /page/stats}, the live figures it shows
 * beside the comparisons it runs through {@code /compare/time}.
 */
@NullMarked
package dev.timefan.page;

import org.jspecify.annotations.NullMarked;
