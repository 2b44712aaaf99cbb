// `node scripts/changelog-section.mjs 0.2.0`: prints CHANGELOG.md's section for that version (the
// release workflow's notes). Exits 1 when the section is missing or empty: a release says what it is.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function changelogSection(text, version) {
  const lines = text.split('\n');
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
  return body === '' ? null : body;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = process.argv[2];
  const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'CHANGELOG.md'), 'utf8');
  const section = version ? changelogSection(text, version) : null;
  if (!section) {
    console.error(`CHANGELOG.md has no section for ${version ?? '(no version given)'}: add "## [${version}] - YYYY-MM-DD" with what changed`);
    process.exit(1);
  }
  console.log(section);
}
