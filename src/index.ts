// The pipeline's entry without the setup step, for a checkout whose node_modules already holds the
// native parts (the tests, local runs). The action runs dist/index.js: src/setup/bootstrap.ts.
import { run } from './main.js';

await run();
