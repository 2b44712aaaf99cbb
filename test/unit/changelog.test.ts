// The release workflow's notes come from CHANGELOG.md: the section exists for the version in
// package.json, and the extractor takes exactly one section.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { changelogSection } from '../../scripts/changelog-section.mjs';
import { ROOT } from '../helpers/cli.ts';

const section = changelogSection as (text: string, version: string) => string | null;
const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');

it('CHANGELOG.md has a section for package.json\'s version, and an Unreleased one', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+$/, 'a semantic version');
  assert.ok(section(changelog, version), `no section for ${version}`);
  assert.match(changelog, /^## \[Unreleased\]$/m);
});

it('takes one section, up to the next heading, and nothing for a version without one or an empty one', () => {
  const text = '# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-01-02\n### Added\n- b\n\n## [0.1.0] - 2026-01-01\n- a\n';
  assert.equal(section(text, '0.2.0'), '### Added\n- b');
  assert.equal(section(text, '0.1.0'), '- a');
  assert.equal(section(text, '0.1'), null);
  assert.equal(section(text, '0.3.0'), null);
  assert.equal(section(text, 'Unreleased'), null);
});
