package dev.timefan.web;

import java.net.URI;

import dev.timefan.web.Refusals.Refusal;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error a handler raises becomes RFC 9457 {@code application/problem+json}: Spring
 * MVC's own (404 no such path, 405, 415, 400 for a malformed parameter), timefan's own
 * problems, the parameters Tomcat refuses to parse (too many, a broken escape, a form
 * body over its limit), and a generic 500 for anything unforeseen, logged here and never
 * echoed to the caller.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Log log = LogFactory.getLog(ProblemHandler.class);

	/**
	 * RFC 9457's default type, written out because the contract lists type on every
	 * problem.
	 */
	static final URI ABOUT_BLANK = URI.create("about:blank");

	/**
	 * Tomcat parses the parameters when they are first asked for (by a
	 * {@code @RequestParam}, or an actuator endpoint reading them all) and throws this
	 * when it cannot: more than {@code server.tomcat.max-parameter-count} of them, a
	 * broken escape, a form body over {@code server.tomcat.max-http-form-post-size}. Its
	 * error code is the status Tomcat gives it ({@link Refusals#ofParameters}).
	 * @param ex what Tomcat threw
	 * @param request the request
	 * @return the problem
	 */
	@ExceptionHandler(InvalidParameterException.class)
	@Nullable ResponseEntity<Object> parametersRefused(InvalidParameterException ex, WebRequest request) {
		Refusal refusal = Refusals.ofParameters(ex);
		if (request instanceof ServletWebRequest servlet) {
			Refusals.log(servlet.getRequest().getMethod(), servlet.getRequest().getRequestURI(), refusal);
		}
		HttpStatus status = HttpStatus.valueOf(refusal.status());
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, refusal.detail());
		return handleExceptionInternal(ex, body, new HttpHeaders(), status, request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unforeseen(Exception ex, WebRequest request) {
		log.error("Unforeseen failure of " + describe(request), ex);
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"the request could not be answered; the failure was logged");
		return handleExceptionInternal(ex, body, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ex.getBody().setDetail("no endpoint at this path; /v3/api-docs lists them");
		return super.handleNoResourceFoundException(ex, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (response != null && response.getBody() instanceof ProblemDetail problem) {
			if (problem.getType() == null) {
				problem.setType(ABOUT_BLANK);
			}
			if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
				problem.setInstance(URI.create(instance(servlet.getRequest())));
			}
		}
		return response;
	}

	/**
	 * The request's path as it arrived (percent-encoded), which is always a valid URI
	 * reference.
	 */
	static String instance(HttpServletRequest request) {
		String uri = request.getRequestURI();
		try {
			return URI.create(uri).toString();
		}
		catch (IllegalArgumentException ex) {
			return "about:blank";
		}
	}

	private static String describe(WebRequest request) {
		return (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI()
				: request.getDescription(false);
	}

}
