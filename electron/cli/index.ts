import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
// `web` keeps the process alive with its server; every other command ends here.
if (process.argv[2] !== 'web' || code !== 0) process.exitCode = code;
