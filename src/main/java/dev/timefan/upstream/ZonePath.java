package dev.timefan.upstream;

import dev.timefan.time.Zone;

/**
 * The upstream path of a zone as a URI template and its values: the catalog's canonical
 * name, one template variable a segment, so each segment is URL-encoded by the client and
 * {@code http.client.requests} is tagged with the template, never a zone.
 *
 * @param template {@code /timezone/{area}/{location}} and the like
 * @param segments the name's segments, in order
 */
record ZonePath(String template, Object[] segments) {

	private static final String[] TEMPLATES = { "/timezone/{area}", "/timezone/{area}/{location}",
			"/timezone/{area}/{location}/{region}" };

	static ZonePath of(Zone zone) {
		String[] segments = zone.name().split("/");
		if (segments.length <= TEMPLATES.length) {
			return new ZonePath(TEMPLATES[segments.length - 1], segments);
		}
		StringBuilder template = new StringBuilder(TEMPLATES[TEMPLATES.length - 1]);
		for (int i = TEMPLATES.length; i < segments.length; i++) {
			template.append("/{segment").append(i).append('}');
		}
		return new ZonePath(template.toString(), segments);
	}

}
