// docs/workflows.md shows the example workflows inline; each copy must be the file in
// examples/workflows/ it names, and every example file must be shown, so the two cannot drift.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

const doc = readFileSync(join(ROOT, 'docs/workflows.md'), 'utf8');
const files = readdirSync(join(ROOT, 'examples/workflows')).filter((f) => f.endsWith('.yml'));

describe('docs/workflows.md', () => {
  it('shows every example workflow, byte for byte', () => {
    const shown = [...doc.matchAll(/<!-- file: examples\/workflows\/([\w.-]+) -->\n```yaml\n([\s\S]*?)```\n/g)];
    assert.deepEqual(shown.map((m) => m[1]).sort(), [...files].sort());
    for (const [, name, body] of shown) assert.equal(body, readFileSync(join(ROOT, 'examples/workflows', name!), 'utf8'), name!);
  });

  it('every example sets its permissions and runs on a trigger that needs no secret of a fork', () => {
    for (const file of files) {
      const workflow = parse(readFileSync(join(ROOT, 'examples/workflows', file), 'utf8'));
      assert.ok(workflow.permissions, `${file} sets no top-level permissions`);
      assert.ok(!('pull_request_target' in workflow.on), `${file} runs on pull_request_target`);
      for (const [name, job] of Object.entries<Record<string, unknown>>(workflow.jobs)) {
        const steps = (job.steps as { uses?: string; with?: Record<string, unknown> }[]) ?? [];
        // A workflow that can write never checks out a pull request's head.
        if (workflow.on.workflow_run) assert.ok(!steps.some((s) => s.uses?.startsWith('actions/checkout')), `${file}: ${name} checks out code`);
      }
    }
  });
});
