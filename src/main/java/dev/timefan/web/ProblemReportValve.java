package dev.timefan.web;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.timefan.web.Refusals.Refusal;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report for what it refuses before any servlet runs, as problem+json
 * instead of Tomcat's HTML page, each logged as one line by {@link Refusals}. Tomcat
 * answers every request it cannot parse with 400; where its message says a limit was hit,
 * the answer names it with the contract's status instead:
 * <ul>
 * <li>414 when the request line alone overflowed the request-header buffer
 * ({@code server.max-http-request-header-size}: Tomcat reads request line and headers
 * into one buffer), with the advice to POST a batch;</li>
 * <li>431 when the headers overflowed it, or there were more header fields or cookies
 * than Tomcat accepts;</li>
 * <li>400 for the rest (a percent-encoded slash, NUL or backslash in the path, a
 * malformed escape, a character no URI holds).</li>
 * </ul>
 * Installed on the host by {@link ProblemReportConfiguration}.
 */
public class ProblemReportValve extends ErrorReportValve {

	static final String MALFORMED = "malformed request: the path or its escapes are not accepted";

	/** A URI long enough that it, rather than a header, may be what filled the buffer. */
	private static final int LONG_URI = 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		Refusal refusal = refusal(request, response, throwable);
		Refusals.log(request.getMethod(), request.getRequestURI(), refusal);
		HttpStatus known = HttpStatus.resolve(refusal.status());
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", (known != null) ? known.getReasonPhrase() : "Error");
		problem.put("status", refusal.status());
		problem.put("detail", refusal.detail());
		problem.put("instance", instance(request.getRequestURI()));
		try {
			response.setStatus(refusal.status());
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

	private static Refusal refusal(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status != HttpStatus.BAD_REQUEST.value()) {
			return new Refusal(status, "the request could not be answered");
		}
		String message = (throwable != null) ? throwable.getMessage() : response.getMessage();
		if (throwable instanceof IllegalArgumentException
				&& TomcatMessages.is(TomcatMessages.HTTP11, "iib.requestheadertoolarge.error", message)) {
			return headerBufferOverflow(request);
		}
		Refusal counted = Refusals.ofCounts(message);
		if (counted != null) {
			return counted;
		}
		return new Refusal(status, MALFORMED);
	}

	/**
	 * Tomcat parses the request line and then the headers in one buffer; the request line
	 * is known to have ended when Tomcat recorded its URI.
	 */
	private static Refusal headerBufferOverflow(Request request) {
		String limit = headerLimit(request);
		if (request.getCoyoteRequest().requestURI().isNull()) {
			return new Refusal(HttpStatus.URI_TOO_LONG.value(),
					"the URI is longer than the " + limit + " bytes accepted for the request line and headers",
					Refusals.POST_INSTEAD);
		}
		long uriLength = request.getCoyoteRequest().requestURI().getLength()
				+ request.getCoyoteRequest().queryString().getLength();
		return new Refusal(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.value(),
				"the request line and headers are larger than the " + limit + " bytes accepted",
				(uriLength > LONG_URI) ? "the URI alone is " + uriLength + " bytes: " + Refusals.POST_INSTEAD : null);
	}

	private static String headerLimit(Request request) {
		ProtocolHandler handler = (request.getConnector() != null) ? request.getConnector().getProtocolHandler() : null;
		return (handler instanceof AbstractHttp11Protocol<?> http) ? String.valueOf(http.getMaxHttpRequestHeaderSize())
				: "configured";
	}

	private static String instance(@Nullable String uri) {
		if (uri == null || uri.isEmpty()) {
			return "about:blank";
		}
		try {
			return URI.create(uri).toString();
		}
		catch (IllegalArgumentException ex) {
			return "about:blank";
		}
	}

}
