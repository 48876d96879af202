package dev.timefan.web;

import java.net.URI;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

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
 * answer its own JSON.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail(status));
		body.setType(ProblemHandler.ABOUT_BLANK);
		Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
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

	private static String detail(HttpStatus status) {
		return switch (status) {
			case NOT_FOUND -> "no such resource";
			case BAD_REQUEST -> "malformed request";
			case INTERNAL_SERVER_ERROR -> "the request could not be answered; the failure was logged";
			default -> status.getReasonPhrase();
		};
	}

}
