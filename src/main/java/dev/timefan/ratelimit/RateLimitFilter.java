package dev.timefan.ratelimit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.timefan.ratelimit.ClientRateLimits.Refusal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Takes a request from its client's bucket before the API answers it
 * ({@link RateLimitConfiguration} says which paths). A refused request is answered here,
 * 429 with {@code Retry-After}, in the shape of the errors of the API asked: a problem
 * ({@code application/problem+json}, written by the same handler as every other problem)
 * for the fan-out, worldtimeapi's {@code {"error":"..."}} (or {@code Error: ...} for a
 * {@code .txt} path) for {@code /api/...}. A worldtimeapi request also takes its one item
 * here, since it does not go through the fan-out.
 */
class RateLimitFilter extends OncePerRequestFilter {

	private static final String WORLD_TIME_API = "/api";

	private final ClientRateLimits limits;

	private final HandlerExceptionResolver problems;

	private final JsonMapper mapper;

	/**
	 * A filter of the limits.
	 * @param limits the clients' limits
	 * @param problems the resolver that writes a problem the way Spring MVC writes every
	 * other
	 * @param mapper the mapper of worldtimeapi's error bodies
	 */
	RateLimitFilter(ClientRateLimits limits, HandlerExceptionResolver problems, JsonMapper mapper) {
		this.limits = limits;
		this.problems = problems;
		this.mapper = mapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String client = request.getRemoteAddr();
		String path = request.getRequestURI().substring(request.getContextPath().length());
		boolean worldTimeApi = path.equals(WORLD_TIME_API) || path.startsWith(WORLD_TIME_API + "/");
		Refusal refusal = this.limits.tryTakeRequest(client);
		if (refusal == null && worldTimeApi) {
			refusal = this.limits.tryTakeItems(client, 1);
		}
		if (refusal == null) {
			chain.doFilter(request, response);
		}
		else if (worldTimeApi) {
			refuseAsWorldTimeApi(refusal, path.endsWith(".txt"), response);
		}
		else {
			this.problems.resolveException(request, response, null, refusal.problem());
		}
	}

	private void refuseAsWorldTimeApi(Refusal refusal, boolean text, HttpServletResponse response) throws IOException {
		byte[] body = text ? ("Error: " + refusal.detail() + "\n").getBytes(StandardCharsets.UTF_8)
				: this.mapper.writeValueAsBytes(Map.of("error", refusal.detail()));
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
		response
			.setContentType(text ? MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8" : MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
