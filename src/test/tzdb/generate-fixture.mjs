// Writes src/test/resources/tzdb/moment-timezone-fixture.json: the utc_offset and the
// abbreviation of every zone moment-timezone knows at a few fixed instants, so that
// TzdbAgreementTests can compare Joda-Time's tz release with an independent
// implementation of the same release.
//
// Usage: cd src/test/tzdb && npm ci && node generate-fixture.mjs
//
// The output depends only on the pinned moment-timezone (never on the wall clock or the
// machine's own zoneinfo): zones and keys are sorted, and generatedAt is kept when the
// data did not change, so a regeneration diffs cleanly.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import moment from 'moment-timezone';

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, '..', 'resources', 'tzdb', 'moment-timezone-fixture.json');

// Fixed instants, in this order in every zone's list. Each one sits just after the last
// change of its region, worked out from the 2026 rules.
const instants = [
  // A fixed "now", after every 2026 autumn change.
  '2026-11-27T12:00:00Z',
  // The 2026 solstices.
  '2026-06-21T12:00:00Z',
  '2026-12-21T12:00:00Z',
  // EU spring change: last Sunday of March, 01:00Z everywhere in the EU.
  '2026-03-29T01:30:00Z',
  // US spring change: second Sunday of March, 02:00 local; the last to change is
  // America/Adak at 12:00Z (New York 07:00Z, Los Angeles 10:00Z, Anchorage 11:00Z).
  '2026-03-08T12:30:00Z',
  // Sydney's spring change: first Sunday of October (4 October 2026) at 02:00 AEST,
  // which is 2026-10-03T16:00Z.
  '2026-10-03T16:30:00Z',
  // US fall back: first Sunday of November, 02:00 local; the last to change is
  // America/Adak at 11:00Z (New York 06:00Z, Los Angeles 09:00Z, Anchorage 10:00Z). It is
  // also after 2026f's permanent-time changes of British Columbia (09:00Z), Alberta
  // (08:00Z) and Manitoba (07:00Z).
  '2026-11-01T11:30:00Z',
];

function fixtureOf(generatedAt) {
  const zones = {};
  for (const name of [...moment.tz.names()].sort()) {
    zones[name] = instants.map((instant) => {
      const time = moment.tz(instant, name);
      return [time.format('Z'), time.format('z')];
    });
  }
  return {
    generatedAt,
    generator: `moment-timezone ${moment.tz.version}`,
    instants,
    release: moment.tz.dataVersion,
    zones,
  };
}

// One zone per line: compact, and a change in the data shows as a change of its zones.
function serialize(fixture) {
  const lines = ['{'];
  lines.push(`  "generatedAt": ${JSON.stringify(fixture.generatedAt)},`);
  lines.push(`  "generator": ${JSON.stringify(fixture.generator)},`);
  lines.push(`  "instants": ${JSON.stringify(fixture.instants)},`);
  lines.push(`  "release": ${JSON.stringify(fixture.release)},`);
  lines.push('  "zones": {');
  const names = Object.keys(fixture.zones).sort();
  names.forEach((name, index) => {
    const separator = index < names.length - 1 ? ',' : '';
    lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(fixture.zones[name])}${separator}`);
  });
  lines.push('  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function previousFixture() {
  if (!existsSync(output)) {
    return null;
  }
  try {
    return JSON.parse(readFileSync(output, 'utf8'));
  }
  catch {
    return null;
  }
}

// Whether two fixtures hold the same data, whatever their generatedAt.
function sameData(a, b) {
  const data = (fixture) => serialize({ ...fixture, generatedAt: null });
  try {
    return data(a) === data(b);
  }
  catch {
    return false;
  }
}

const previous = previousFixture();
const now = process.env.SOURCE_DATE_EPOCH
  ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000)
  : new Date();
let fixture = fixtureOf(now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
if (previous && sameData(previous, fixture)) {
  fixture = fixtureOf(previous.generatedAt);
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, serialize(fixture));
console.log(`${fixture.generator}, tz ${fixture.release}: ${Object.keys(fixture.zones).length} zones x `
  + `${instants.length} instants -> ${output}`
  + (fixture.generatedAt === previous?.generatedAt ? ' (data unchanged)' : ''));
