import { runCli } from './main.js';

// A reader that stops early (`coalmine analyse … | head`) closes the pipe: that ends the
// output, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
// `web` keeps the process alive with its server; every other command ends here.
if (process.argv[2] !== 'web' || code !== 0) process.exitCode = code;
