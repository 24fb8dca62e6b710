// Deterministic log lines for the benchmarks (a module, not a section: scripts/bench.js runs
// only the .js files directly in scripts/bench): ECS NDJSON events of about 650 bytes and nginx
// combined lines, the same on every run (a seeded LCG), written in chunks.
import fs from 'node:fs';

export function lcg(seed) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
const hex = (random, n) => {
  let s = '';
  while (s.length < n)
    s += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
};
const PATHS = ['/api/catalog', '/api/cart', '/api/cart/items', '/api/checkout', '/api/login', '/api/orders/recent'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'okhttp/4.12.0',
];
const START = Date.UTC(2026, 10, 19, 9, 0, 0);

export function writeLines(file, lines, make) {
  const fd = fs.openSync(file, 'w');
  let chunk = [];
  for (let i = 0; i < lines; i += 1) {
    chunk.push(make(i));
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
}

export function ecsLine(random, i) {
  const canary = random() < 0.1;
  const status = random() < 0.01 ? 500 : random() < 0.02 ? 401 : 200;
  const p = PATHS[i % PATHS.length];
  const pod = canary ? 'checkout-canary-7d9f8-x2k4p' : `checkout-stable-5c6b7-${['a1b2c', 'd3e4f', 'g5h6i'][i % 3]}`;
  return JSON.stringify({
    '@timestamp': new Date(START + i * 50).toISOString(),
    'log.level': status >= 500 ? 'error' : 'info',
    message: `GET ${p} ${status} for request ${i}`,
    'service.name': 'checkout-api',
    'service.version': canary ? '4.13.0' : '4.12.3',
    'labels.track': canary ? 'canary' : 'stable',
    'host.name': pod,
    'kubernetes.pod.name': pod,
    'trace.id': hex(random, 32),
    'http.request.method': 'GET',
    'url.path': p,
    'http.response.status_code': status,
    'http.response.body.bytes': Math.round(random() * 20_000),
    'event.duration': Math.round(20e6 + random() * 200e6),
    'client.ip': `203.0.113.${i % 254}`,
    'user.name': `user${i % 500}@example.com`,
    'user_agent.original': AGENTS[i % AGENTS.length],
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function nginxLine(random, i) {
  const d = new Date(START + i * 50);
  const two = (n) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
  const status = random() < 0.01 ? 500 : random() < 0.02 ? 401 : 200;
  const p = PATHS[i % PATHS.length];
  return `198.51.100.${i % 254} - ${i % 7 === 0 ? `user${i % 500}` : '-'} [${time}] "GET ${p}?page=${i % 10} HTTP/1.1" ${status} ${Math.round(random() * 20_000)} "https://shop.example/" "${AGENTS[i % AGENTS.length]}" ${(random() * 0.3).toFixed(3)}`;
}
