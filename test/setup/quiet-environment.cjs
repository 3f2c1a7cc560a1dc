// The tests' environment: Jest's Node environment, in a process that does not print two warnings every test
// process would otherwise print, which say nothing about the code under test:
//   - Node's ExperimentalWarning for VM Modules (Jest runs ESM tests through them: the `npm test` scripts
//     ask for it with --experimental-vm-modules);
//   - the AWS SDK's NodeVersionSupportWarning (its releases from 2027 on will need Node 22), which the tests'
//     own S3 clients trigger (`chart serve` keeps it from its users itself: registry-server/storage/s3.ts).
// Every other warning is printed as before. Jest loads this file in each process that runs tests (a worker, or
// the main process when it runs them in band), before any test module, and outside the tests' sandbox, so the
// filter sits on the real process, where Node emits warnings.
const { TestEnvironment } = require('jest-environment-node');

const NOISE = [
  (w) => w.name === 'ExperimentalWarning' && String(w.message).startsWith('VM Modules is an experimental feature'),
  (w) => String(w.message).startsWith('NodeVersionSupportWarning'),
];

const FILTERED = Symbol.for('chartroom.quietWarnings');
if (!process[FILTERED]) {
  process[FILTERED] = true;
  // Node prints warnings from its own 'warning' listener: wrap the listeners there are, so what they are told of
  // is everything but the noise.
  const printers = process.listeners('warning');
  for (const l of printers) process.removeListener('warning', l);
  process.on('warning', (warning) => {
    if (NOISE.some((isNoise) => isNoise(warning))) return;
    for (const l of printers) l.call(process, warning);
  });
}

module.exports = TestEnvironment;
