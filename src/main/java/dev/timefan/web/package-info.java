/**
 * Cross-cutting web configuration: every error as {@code application/problem+json}
 * without a stack trace, and the OpenAPI description.
 */
@NullMarked
package dev.timefan.web;

import org.jspecify.annotations.NullMarked;
