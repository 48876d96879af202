package dev.timefan.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading Tomcat's limit back from the message it builds, in the JVM's locale.
 */
class TomcatMessagesTests {

	@Test
	void numberIsReadFromTheMessageOfItsKey() {
		String message = TomcatMessages.HTTP.getString("parameters.maxCountFail", 12_345);
		assertThat(TomcatMessages.number(TomcatMessages.HTTP, "parameters.maxCountFail", message)).hasValue(12_345);
	}

	@Test
	void messageOfAnotherKeyHasNoNumber() {
		String message = TomcatMessages.HTTP.getString("headers.maxCountFail", 100);
		assertThat(TomcatMessages.number(TomcatMessages.HTTP, "parameters.maxCountFail", message)).isEmpty();
		assertThat(TomcatMessages.number(TomcatMessages.HTTP, "parameters.maxCountFail", null)).isEmpty();
		assertThat(TomcatMessages.number(TomcatMessages.HTTP, "parameters.maxCountFail", "More than")).isEmpty();
	}

	@Test
	void messageWithoutArgumentIsRecognised() {
		String message = TomcatMessages.HTTP11.getString("iib.requestheadertoolarge.error");
		assertThat(TomcatMessages.is(TomcatMessages.HTTP11, "iib.requestheadertoolarge.error", message)).isTrue();
		assertThat(TomcatMessages.is(TomcatMessages.HTTP11, "iib.requestheadertoolarge.error", "Bad request"))
			.isFalse();
	}

}
