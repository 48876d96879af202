package dev.timefan.web;

import java.net.URI;

import dev.timefan.web.Refusals.Refusal;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}) as problem+json, for what fails before a
 * handler runs (a filter, a request the servlet container refuses): Boot's default would
 * answer its own JSON. What Tomcat refused at one of its limits is named, logged by
 * {@link Refusals}.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		Refusal refusal = refusal(request, status);
		ProblemDetail body;
		if (refusal != null) {
			Refusals.log(request.getMethod(), (path instanceof String uri) ? uri : null, refusal);
			status = HttpStatus.valueOf(refusal.status());
			body = ProblemDetail.forStatusAndDetail(status, refusal.detail());
		}
		else {
			body = ProblemDetail.forStatusAndDetail(status, detail(status));
		}
		body.setType(ProblemHandler.ABOUT_BLANK);
		if (path instanceof String uri) {
			try {
				body.setInstance(URI.create(uri));
			}
			catch (IllegalArgumentException ex) {
				// Not a valid URI reference: leave the instance out rather than echo it.
			}
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
	}

	/**
	 * What Tomcat refused before the servlet ran: parameters a filter asked for that
	 * Tomcat could not parse, or more cookies than it accepts.
	 */
	private static @Nullable Refusal refusal(HttpServletRequest request, HttpStatus status) {
		Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		for (int depth = 0; exception instanceof Throwable failure && depth < 4; depth++) {
			if (failure instanceof InvalidParameterException ex) {
				return Refusals.ofParameters(ex);
			}
			exception = failure.getCause();
		}
		if (status == HttpStatus.BAD_REQUEST
				&& request.getAttribute(RequestDispatcher.ERROR_MESSAGE) instanceof String message) {
			return Refusals.ofCounts(message);
		}
		return null;
	}

	private static String detail(HttpStatus status) {
		return switch (status) {
			case NOT_FOUND -> "no such resource";
			case BAD_REQUEST -> "malformed request";
			case INTERNAL_SERVER_ERROR -> "the request could not be answered; the failure was logged";
			default -> status.getReasonPhrase();
		};
	}

}
