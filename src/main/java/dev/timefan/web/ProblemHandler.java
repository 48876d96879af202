package dev.timefan.web;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * problems, and a generic 500 for anything unforeseen, logged here and never echoed to
 * the caller.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Log log = LogFactory.getLog(ProblemHandler.class);

	/**
	 * RFC 9457's default type, written out because the contract lists type on every
	 * problem.
	 */
	static final URI ABOUT_BLANK = URI.create("about:blank");

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
