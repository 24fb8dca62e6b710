// `npm start`: the desktop app on the demo case. Where Electron cannot start (no Electron
// binary, as on a machine that could not download it, or no display), say why and serve
// the same app in web mode instead, printing the URL to open in a browser.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && fs.existsSync(binary)) return { binary };
    return { why: 'the Electron binary is not installed (its download did not happen on this machine)' };
  } catch (error) {
    return { why: `Electron cannot be loaded: ${error instanceof Error ? error.message.split('\n')[0] : error}` };
  }
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
