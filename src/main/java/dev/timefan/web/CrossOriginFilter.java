package dev.timefan.web;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Spring's CORS processing ({@link DefaultCorsProcessor}) for the paths its source
 * covers, like Spring's {@code CorsFilter}, except that a refusal is a problem (403,
 * {@code application/problem+json}) written by the same handler as every other, rather
 * than a bare "Invalid CORS request". A preflight is answered here; other requests go on
 * with the CORS headers set.
 */
class CrossOriginFilter extends OncePerRequestFilter {

	static final URI TYPE = URI.create("urn:timefan:problem:cors-refused");

	private final CorsConfigurationSource source;

	private final HandlerExceptionResolver problems;

	private final DefaultCorsProcessor processor = new RefusalLeftToTheFilter();

	CrossOriginFilter(CorsConfigurationSource source, HandlerExceptionResolver problems) {
		this.source = source;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		CorsConfiguration configuration = this.source.getCorsConfiguration(request);
		if (configuration == null) {
			chain.doFilter(request, response);
			return;
		}
		if (!this.processor.processRequest(configuration, request, response)) {
			this.problems.resolveException(request, response, null, refused());
			return;
		}
		if (!CorsUtils.isPreFlightRequest(request)) {
			chain.doFilter(request, response);
		}
	}

	private static ErrorResponseException refused() {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
				"cross-origin request refused: its origin, method or headers are not allowed here");
		body.setType(TYPE);
		body.setTitle("Cross-origin request refused");
		return new ErrorResponseException(HttpStatus.FORBIDDEN, body, null);
	}

	/**
	 * Spring's processor, writing nothing when it refuses: the filter answers with a
	 * problem.
	 */
	private static final class RefusalLeftToTheFilter extends DefaultCorsProcessor {

		@Override
		protected void rejectRequest(ServerHttpResponse response) {
		}

	}

}
