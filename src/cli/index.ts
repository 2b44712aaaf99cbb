#!/usr/bin/env node
// The `quantgate` command. Everything is in runCli; this file sets the exit status and keeps a
// closed stdout or stderr pipe from ending the process.
import { ignoreClosedPipes } from './closed-pipes.js';
import { runCli } from './main.js';

ignoreClosedPipes(process.stdout, process.stderr);
process.exitCode = await runCli(process.argv.slice(2));
