// excludeFlag: the --exclude flag that keeps exactly one node in float, as it works when pasted
// into a POSIX shell: run through `sh` and quantgate's own parser, it must select that node alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { node } from '../../src/model/build.ts';
import { compileExclusions } from '../../src/quantize/exclusions.ts';
import { explainFallbacks } from '../../src/runtime/tensorrt/layer-precision.ts';
import { excludeFlag } from '../../src/text/exclude-flag.ts';
import { parsedExcludes, shellWords } from '../helpers/exclude-flags.ts';

const CASES: [string, string, RegExp][] = [
  ['an ordinary name', '/layer4/conv3/Conv', /^--exclude \/layer4\/conv3\/Conv$/],
  ['a space and a quote', "it's a node", /^--exclude 'it'\\''s a node'$/],
  ['a leading dash', '-x', /^--exclude=-x$/],
  ['an op: prefix', 'op:Conv', /^--exclude 're:\^op:Conv\$'$/],
  ['an re: prefix', 're:.*', /^--exclude 're:\^re:\\\.\\\*\$'$/],
  ['surrounding spaces', ' fc ', /^--exclude 're:\^ fc \$'$/],
  ['a newline and ESC', 'a\n\u001bb', /^--exclude 're:\^a\\u000a\\u001bb\$'$/],
  ['a character outside the BMP', 'conv😀', /^--exclude 'conv😀'$/],
  ['a backslash before a pipe', 'a\\|b', /^--exclude 're:\^a\\\\\[\|\]b\$'$/],
  ['a shell metacharacter run', '$(touch /tmp/x); `id` | cat', /^--exclude '\$\(touch \/tmp\/x\); `id` \| cat'$/],
];

const others = ['fc', 'conv', 'a', 'b', 'op', 'x', "it's", 'a b'];

describe('excludeFlag', () => {
  for (const [what, name, shape] of CASES) {
    it(`${what}: ${JSON.stringify(name)}`, async () => {
      const flag = excludeFlag(name);
      assert.match(flag, shape);
      const nodes = [name, ...others].map((n, i) => node('Relu', [`i${i}`], [`o${i}`], { name: n }));
      const exclusions = compileExclusions(await parsedExcludes(shellWords(flag)), nodes, nodes);
      assert.deepEqual(
        nodes.filter((n) => exclusions.has(n)).map((n) => n.name),
        [name],
      );
    });
  }

  it("is the flag TensorRT's fallback explanation gives", () => {
    const [layer] = explainFallbacks({ fellBack: [{ name: "it's", type: 'CaskGemm', precision: 'fp16' }] } as never, new Map());
    assert.match(layer!.fix, /`--exclude 'it'\\''s'`$/);
  });
});
