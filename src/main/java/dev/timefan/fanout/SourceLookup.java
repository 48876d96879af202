package dev.timefan.fanout;

/**
 * A source besides the local tz database, declared as a bean by the feature that brings
 * it ({@code upstream}); {@link FanoutService} hands its lookup to the engines that run
 * lookups in-process.
 *
 * @param source the source it answers
 * @param lookup how it answers one zone
 */
public record SourceLookup(Source source, ZoneLookup lookup) {

}
