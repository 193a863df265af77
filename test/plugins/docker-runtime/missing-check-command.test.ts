import test from 'ava';
import { missingCheckCommand } from '../../../plugins/docker-runtime/missing-check-command.js';

test('the exec form names the program the engine could not find', (t) => {
  const output = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "wget": executable file not found in $PATH: unknown';
  t.is(missingCheckCommand(output, -1), 'wget');
  t.is(missingCheckCommand('exec failed: exec: "/opt/probe": stat /opt/probe: no such file or directory: unknown', -1), '/opt/probe');
});

test("a shell's not found counts only with its exit code 127", (t) => {
  t.is(missingCheckCommand('/bin/sh: curl: not found', 127), 'curl');
  t.is(missingCheckCommand('/bin/sh: 1: curl: not found', 127), 'curl');
  t.is(missingCheckCommand('bash: curl: command not found', 127), 'curl');
  // An application that says "not found" (an HTTP 404) is a check that ran and failed.
  t.is(missingCheckCommand('wget: server returned error: HTTP/1.1 404 Not Found', 1), null);
  t.is(missingCheckCommand('health: page not found', 1), null);
});

test("the host's own http and tcp probes name the clients they miss", (t) => {
  t.is(missingCheckCommand('http health check needs wget or curl in the image', 1), 'wget or curl');
});

test('a check that ran is not a missing program', (t) => {
  t.is(missingCheckCommand("wget: can't connect to remote host (127.0.0.1): Connection refused", 1), null);
  t.is(missingCheckCommand('', 0), null);
});
