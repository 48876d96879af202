package dev.timefan.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.timefan.web.Refusals.Refusal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path whose percent-escapes are broken where Tomcat does not look: in a path
 * parameter ({@code /threads/time;%}). Tomcat ignores path parameters when it decodes the
 * path, and Spring, which parses them, would fail with a 500, even on the error page.
 * Answered here with 400 problem+json, as Tomcat's own refusals are
 * ({@link ProblemReportValve}).
 */
final class MalformedPathFilter extends OncePerRequestFilter {

	private final JsonMapper json;

	MalformedPathFilter(JsonMapper json) {
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		if (wellEscaped(path)) {
			chain.doFilter(request, response);
			return;
		}
		Refusal refusal = new Refusal(HttpStatus.BAD_REQUEST.value(), ProblemReportValve.MALFORMED);
		Refusals.log(request.getMethod(), path, refusal);
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", ProblemHandler.ABOUT_BLANK.toString());
		problem.put("title", HttpStatus.BAD_REQUEST.getReasonPhrase());
		problem.put("status", refusal.status());
		problem.put("detail", refusal.detail());
		problem.put("instance", ProblemHandler.instance(request));
		response.setStatus(refusal.status());
		response.setContentType("application/problem+json");
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(this.json.writeValueAsString(problem));
	}

	/** Whether every {@code %} is followed by two hexadecimal digits. */
	static boolean wellEscaped(String path) {
		for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
			if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
					|| Character.digit(path.charAt(i + 2), 16) < 0) {
				return false;
			}
		}
		return true;
	}

}
