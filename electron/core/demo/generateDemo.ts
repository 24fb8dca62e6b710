// The demo rollout: a realistic, deterministically generated canary of a checkout service
// with some trouble in it (a JWT key-rotation bug that makes a 401 burst, a new exception,
// more 5xx and slower responses), beside a healthy stable fleet. The same seed always
// writes the same bytes, so the committed files in resources/demo can be checked.

export interface DemoFile {
  name: string;
  content: string;
}

const SERVICE = 'checkout-api';
const STABLE_VERSION = '4.12.3';
const CANARY_VERSION = '4.13.0';
// 19/11/2026 09:00:00 GMT: a winter morning, so UTC and London agree and a reader can check.
const START = Date.UTC(2026, 10, 19, 9, 0, 0);
const MINUTE = 60_000;

/** mulberry32: tiny, fast, and identical on every platform (the test scenarios use it too). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Endpoint {
  method: string;
  path: string;
  weight: number;
  medianMs: number;
  needsAuth: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/catalog', weight: 40, medianMs: 38, needsAuth: false },
  { method: 'GET', path: '/api/cart', weight: 22, medianMs: 45, needsAuth: true },
  { method: 'POST', path: '/api/cart/items', weight: 14, medianMs: 62, needsAuth: true },
  { method: 'POST', path: '/api/checkout', weight: 8, medianMs: 180, needsAuth: true },
  { method: 'POST', path: '/api/login', weight: 6, medianMs: 120, needsAuth: false },
  { method: 'GET', path: '/api/orders', weight: 10, medianMs: 70, needsAuth: true },
];

const USERS = [
  'amelia.hughes@example.com',
  'oliver.patel@example.com',
  'isla.morgan@example.com',
  'jack.osei@example.com',
  'sophie.clarke@example.com',
  'harry.nowak@example.com',
  'grace.evans@example.com',
  'noah.fraser@example.com',
  'ava.lindqvist@example.com',
  'leo.murphy@example.com',
];

interface TrackPlan {
  track: 'stable' | 'canary';
  version: string;
  hosts: string[];
  from: number;
  to: number;
  requestsPerSecond: number;
  latencyFactor: number;
  base5xx: number;
  /** Dotted keys as ecs-logging writes them, or nested objects as Filebeat writes them. */
  style: 'dotted' | 'nested';
}

// The canary's trouble: between 09:52 and 10:04 its JWT key lookup fails for the rotated key.
const TOKEN_BUG_FROM = START + 52 * MINUTE;
const TOKEN_BUG_TO = START + 64 * MINUTE;

function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key === '@timestamp') {
      root[key] = value;
      continue;
    }
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] ?? key] = value;
  }
  return root;
}

function generateTrack(plan: TrackPlan, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const gaussian = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const totalWeight = ENDPOINTS.reduce((sum, e) => sum + e.weight, 0);
  const endpoint = (): Endpoint => {
    let r = random() * totalWeight;
    for (const e of ENDPOINTS) {
      r -= e.weight;
      if (r <= 0) return e;
    }
    return ENDPOINTS[0] as Endpoint;
  };

  const lines: string[] = [];
  const write = (flat: Record<string, unknown>): void => {
    lines.push(JSON.stringify(plan.style === 'nested' ? nest(flat) : flat));
  };
  const common = (ts: number, host: string): Record<string, unknown> => ({
    '@timestamp': new Date(ts).toISOString(),
    'service.name': SERVICE,
    'service.version': plan.version,
    'host.name': host,
    'labels.track': plan.track,
    'ecs.version': '8.11.0',
  });

  let ts = plan.from;
  let requestNo = 0;
  for (;;) {
    ts += Math.max(1, Math.round((-Math.log(Math.max(random(), 1e-12)) / plan.requestsPerSecond) * 1000));
    if (ts > plan.to) break;
    requestNo += 1;
    const host = pick(plan.hosts);
    const e = endpoint();
    const user = e.needsAuth || e.path === '/api/login' ? pick(USERS) : null;
    const ip = `${random() < 0.5 ? '203.0.113' : '198.51.100'}.${1 + Math.floor(random() * 254)}`;
    let latency = e.medianMs * plan.latencyFactor * Math.exp(0.45 * gaussian());
    let status = e.method === 'POST' && e.path !== '/api/login' ? 201 : 200;
    let level = 'info';
    let message = `${e.method} ${e.path} completed`;
    const extra: Record<string, unknown> = {};

    const tokenBug = plan.track === 'canary' && ts >= TOKEN_BUG_FROM && ts <= TOKEN_BUG_TO && e.needsAuth;
    if (e.path === '/api/login' && random() < 0.04) {
      status = 401;
      level = 'warn';
      message = `Login failed for ${user}: invalid credentials`;
      extra['event.category'] = ['authentication'];
      extra['event.outcome'] = 'failure';
    } else if (tokenBug && random() < 0.45) {
      status = 401;
      level = 'warn';
      message = 'JWT validation failed: no signing key for kid';
      latency *= 0.3;
      const kid = `k-2026-11-${(100 + Math.floor(random() * 900)).toString(16)}`;
      write({
        ...common(ts, host),
        'log.level': 'error',
        message: `Signature key ${kid} not found in JWKS cache`,
        'error.type': 'io.jsonwebtoken.security.SignatureException',
        'error.message': `Signature key ${kid} not found in JWKS cache (request ${requestNo})`,
        'error.stack_trace': [
          `io.jsonwebtoken.security.SignatureException: Signature key ${kid} not found in JWKS cache`,
          '\tat com.shop.checkout.auth.JwksKeyResolver.resolveSigningKey(JwksKeyResolver.java:88)',
          '\tat io.jsonwebtoken.impl.DefaultJwtParser.parse(DefaultJwtParser.java:412)',
          '\tat com.shop.checkout.auth.TokenFilter.doFilterInternal(TokenFilter.java:57)',
        ].join('\n'),
      });
    } else if (e.needsAuth && random() < 0.002) {
      status = 403;
      level = 'warn';
      message = `${e.method} ${e.path} forbidden for ${user}`;
    } else if (random() < plan.base5xx + (plan.track === 'canary' && e.path === '/api/checkout' ? 0.05 : 0)) {
      status = random() < 0.8 ? 500 : 503;
      level = 'error';
      message = `${e.method} ${e.path} failed`;
      latency *= 2.5;
      if (plan.track === 'canary' && e.path === '/api/checkout') {
        write({
          ...common(ts, host),
          'log.level': 'error',
          message: 'Unhandled exception in checkout',
          'error.type': 'java.lang.NullPointerException',
          'error.message': 'Cannot invoke "PaymentMethod.getToken()" because "method" is null',
          'error.stack_trace': [
            'java.lang.NullPointerException: Cannot invoke "PaymentMethod.getToken()" because "method" is null',
            '\tat com.shop.checkout.payment.PaymentClient.authorise(PaymentClient.java:142)',
            '\tat com.shop.checkout.CheckoutService.placeOrder(CheckoutService.java:77)',
          ].join('\n'),
        });
      }
    }

    write({
      ...common(ts, host),
      'log.level': level,
      message,
      'http.request.method': e.method,
      'url.path': e.path,
      'http.response.status_code': status,
      'event.duration': Math.round(latency * 1e6),
      'client.ip': ip,
      ...(user ? { 'user.name': user } : {}),
      ...extra,
    });
  }
  return lines.join('\n') + '\n';
}

export function generateDemoFiles(seed = 20261119): DemoFile[] {
  const random = prng(seed);
  const stable = generateTrack(
    {
      track: 'stable',
      version: STABLE_VERSION,
      hosts: ['checkout-stable-7f9c-1', 'checkout-stable-7f9c-2', 'checkout-stable-7f9c-3'],
      from: START,
      to: START + 90 * MINUTE,
      requestsPerSecond: 0.9,
      latencyFactor: 1,
      base5xx: 0.002,
      style: 'nested',
    },
    random,
  );
  const canary = generateTrack(
    {
      track: 'canary',
      version: CANARY_VERSION,
      hosts: ['checkout-canary-5d2e-1'],
      from: START + 15 * MINUTE,
      to: START + 90 * MINUTE,
      requestsPerSecond: 0.15,
      latencyFactor: 1.25,
      base5xx: 0.002,
      style: 'dotted',
    },
    random,
  );
  return [
    { name: 'checkout-stable.ndjson', content: stable },
    { name: 'checkout-canary.ndjson', content: canary },
  ];
}
