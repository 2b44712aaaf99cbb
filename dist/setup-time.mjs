import { createRequire as __qgCreateRequire } from 'node:module'; const require = __qgCreateRequire(import.meta.url);

// bench/setup-time.ts
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
var root = join(dirname(fileURLToPath(import.meta.url)), "..");
var { values } = parseArgs({ options: { "warm-runs": { type: "string", default: "3" }, "native-from": { type: "string" } } });
var warmRuns = Number(values["warm-runs"]);
var work = mkdtempSync(join(tmpdir(), "quantgate-setup-bench-"));
try {
  let once2 = function(label) {
    const summary = join(work, "summary.md");
    const output = join(work, "output");
    writeFileSync(summary, "");
    writeFileSync(output, "");
    const env = { ...process.env, RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: work, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
    delete env.NODE_PATH;
    if (values["native-from"]) env.QUANTGATE_NATIVE_FROM = values["native-from"];
    else delete env.QUANTGATE_NATIVE_FROM;
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(action, "dist", "index.js")], { cwd: work, env, encoding: "utf8" });
    const wallS = (performance.now() - started) / 1e3;
    const log = `${r.stdout}${r.stderr}`;
    const setup = /setup took ([\d.]+) s/.exec(log);
    if (!setup) throw new Error(`${label}: the setup did not finish:
${log.split("\n").filter((l) => !l.startsWith("::debug")).join("\n")}`);
    return { label, wallS, setupS: Number(setup[1]), hit: /cache hit:/.test(log) };
  };
  once = once2;
  const action = join(work, "action");
  for (const f of ["dist", "package.json", "package-lock.json", "native/lib", "scripts/build-native.mjs"]) cpSync(join(root, f), join(action, f), { recursive: true });
  const toolCache = join(work, "toolcache");
  mkdirSync(toolCache);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; Node ${process.version}`);
  console.log(`cold installs ${values["native-from"] ? `by copying from ${values["native-from"]} (no npm)` : "with npm from the registry"}`);
  const cold = once2("cold");
  const warm = Array.from({ length: warmRuns }, (_, i) => once2(`warm ${i + 1}`));
  for (const r of [cold, ...warm]) console.log(`${r.label.padEnd(7)} cache ${r.hit ? "hit " : "miss"}  setup ${r.setupS.toFixed(2)} s  whole process ${r.wallS.toFixed(2)} s`);
  if (cold.hit || warm.some((w) => !w.hit)) throw new Error("expected a miss, then hits");
  const warmMedian = warm.map((w) => w.wallS).sort((a, b) => a - b)[Math.floor(warm.length / 2)];
  console.log(`cold/warm (whole process, warm median): ${(cold.wallS / warmMedian).toFixed(1)}x; warm ${warmMedian.toFixed(2)} s against the 5 s target: ${warmMedian < 5 ? "met" : "NOT met"}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
var once;
