/**
 * `quantgate doctor`'s core, for the CLI and the action to wire: gather the facts, check them,
 * render text or JSON.
 */
export { doctorChecks, tensorRtReady, type DoctorLine, type DoctorStatus } from './checks.js';
export type { DoctorFacts } from './facts.js';
export { gatherDoctorFacts } from './gather.js';
export { doctorJson, renderDoctorText, type DoctorJson } from './render.js';
