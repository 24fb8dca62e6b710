// `npm start`: the desktop app on the demo case. Where Electron cannot start (no Electron
// binary, as on a machine that could not download it, or no display), say why and serve
// the same app in web mode instead, printing the URL to open in a browser.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// The electron package downloads its binary on first use; do that in a child so that a
// failed download is reported in one line rather than as a stack trace.
function electronBinary() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const binary = probe.stdout.trim().split('\n').at(-1);
  if (probe.status === 0 && binary && fs.existsSync(binary)) return { binary };
  const fetchFailed = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(probe.stderr + probe.stdout);
  return {
    why: fetchFailed
      ? 'the Electron binary is not installed and could not be downloaded (no network access to its release files)'
      : 'the Electron binary is not installed correctly (delete node_modules/electron and run npm ci)',
  };
}

function nativeAddonPresent() {
  const dir = path.join(root, 'native');
  return fs.existsSync(dir) && fs.readdirSync(dir).some((d) => d.startsWith('electron-v'));
}

function webMode(why) {
  console.log(`Coalmine: the desktop app cannot start here: ${why}.`);
  console.log('Serving the same app in web mode instead (127.0.0.1 only); open the URL below in a browser.\n');
  const child = spawn(process.execPath, [path.join(root, 'bin/coalmine.js'), 'web', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const { binary, why } = electronBinary();
if (!binary) webMode(why);
else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
  webMode('there is no display');
else if (!nativeAddonPresent())
  webMode('the SQLite addon for Electron is not built yet (run `npm run native:electron` once)');
else {
  const child = spawn(binary, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
