package dev.timefan;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * timefan: world-time lookups fanned out through one of several strategies.
 *
 * @author timefan
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TimefanApplication {

	public static void main(String[] args) {
		SpringApplication.run(TimefanApplication.class, args);
	}

}
