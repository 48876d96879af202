package dev.timefan.web;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report for what it refuses before any servlet runs (a percent-encoded
 * slash, NUL or backslash in the path, a malformed escape), as problem+json instead of
 * Tomcat's HTML page. Installed on the host by {@link ProblemReportConfiguration}.
 */
public class ProblemReportValve extends ErrorReportValve {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		HttpStatus known = HttpStatus.resolve(status);
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", (known != null) ? known.getReasonPhrase() : "Error");
		problem.put("status", status);
		problem.put("detail", (status == 400) ? "malformed request: the path or its escapes are not accepted"
				: "the request could not be answered");
		String instance = instance(request.getRequestURI());
		if (instance != null) {
			problem.put("instance", instance);
		}
		try {
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(JSON.writeValueAsString(problem));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client is gone or the response is committed: nothing left to report to.
		}
	}

	private static String instance(String uri) {
		if (uri == null) {
			return null;
		}
		try {
			return URI.create(uri).toString();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
