/**
 * What must not be missed: calibration on random data (the INT8 ranges then come from noise, and
 * every accuracy number describes those ranges), and a run cut short.
 */
import type { Results } from '../../results/schema.js';
import { text } from '../markdown.js';

export function warnings(results: Results): string[] {
  const out: string[] = [];
  if (results.quantization?.randomData) {
    const scoredOnNoise = results.evaluation !== null && /calibration|random/i.test(results.evaluation.source);
    const labelled = results.evaluation?.labelled === true;
    out.push(
      [
        '> [!CAUTION]',
        `> **Calibrated on random data.** No \`--calibration-data\` was given: the INT8 ranges come from random inputs, not from data the model will see${scoredOnNoise ? ', and the numbers below were scored on those same random inputs' : ''}. On real data the INT8 models may do far worse.`,
        `> Pass \`--calibration-data\` with a few hundred representative samples${labelled ? '' : ', and `--eval-data` with `--labels` to gate accuracy'}.`,
      ].join('\n'),
    );
  }
  if (results.incomplete) {
    out.push(['> [!WARNING]', `> **This run was cut short** (${text(results.incomplete.replace(/\s+/g, ' '))}): the rows below are what was measured before it stopped.`].join('\n'));
  }
  return out;
}
