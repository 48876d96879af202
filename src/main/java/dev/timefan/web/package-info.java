/**
 * Cross-cutting web configuration: every error as {@code application/problem+json}
 * without a stack trace, Tomcat's request limits sized from the batch size and what it
 * refuses named and logged once, CORS for the read-only API (open by default, origins
 * configurable), and the OpenAPI description.
 */
@NullMarked
package dev.timefan.web;

import org.jspecify.annotations.NullMarked;
