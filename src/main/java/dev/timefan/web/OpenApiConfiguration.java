package dev.timefan.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description's title and the {@code Problem} schema (RFC 9457) that the
 * endpoints' error answers refer to.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI timefanOpenApi(ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		ObjectSchema problem = new ObjectSchema();
		problem.description("RFC 9457 problem details, served as application/problem+json")
			.addProperty("type", new StringSchema().example("urn:timefan:problem:unknown-zone"))
			.addProperty("title", new StringSchema().example("Unknown time zone"))
			.addProperty("status", new IntegerSchema().example(404))
			.addProperty("detail", new StringSchema().example("unknown time zone 'Mars/Olympus'"))
			.addProperty("instance", new StringSchema().example("/threads/time/Mars/Olympus"))
			.addProperty("suggestions", new ArraySchema().items(new StringSchema())
				.description("The closest zone names, for an unknown zone"));
		return new OpenAPI()
			.info(new Info().title("timefan")
				.version((properties != null) ? properties.getVersion() : "dev")
				.description("World time lookups fanned out through threads, virtual threads, worker processes "
						+ "and Reactor, and the worldtimeapi.org API served compatibly."))
			.components(new Components().addSchemas("Problem", problem));
	}

}
