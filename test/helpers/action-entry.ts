// The action's entry as a test runs it: the pipeline's run() without the bootstrap that installs
// native parts (src/index.ts), which the test environment already has.
import { run } from '../../src/main.ts';

await run();
