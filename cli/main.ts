#!/usr/bin/env node
/**
 * The `rsgo` command. A composition root like the server entry: `rsgo serve` names the built-in
 * plugins (loaded only for that command).
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
