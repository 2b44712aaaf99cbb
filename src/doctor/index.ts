/**
 * `quantgate doctor`'s core, for the CLI and the action to wire: gather the facts, check them,
 * decide what the runner can run, render text, JSON or markdown.
 */
export { doctorChecks, doctorVerdict, tensorRtReady, type DoctorLine, type DoctorStatus, type DoctorVerdict } from './checks.js';
export type { DoctorFacts } from './facts.js';
export { gatherDoctorFacts } from './gather.js';
export { doctorJson, renderDoctorMarkdown, renderDoctorText, verdictSentence, type DoctorJson } from './render.js';
export { addDoctorToSummary } from './summary.js';
