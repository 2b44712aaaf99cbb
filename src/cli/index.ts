#!/usr/bin/env node
// The `quantgate` command. Everything is in runCli; this file only sets the exit status.
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
