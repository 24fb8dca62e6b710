// Credentials a log line can carry out of the case: the value of an `Authorization:` header, a
// bearer token, a JWT, cookies, and `password=`, `token=`, `api_key=`, `secret=` … in queries,
// forms and JSON. Each value becomes `[redacted]` (the name before it stays, so the reader
// still sees what was sent). This runs in clear reviews as well as pseudonymised ones: a
// credential is never personal data someone needs in clear, and a review is a document that
// travels (tickets, mail, wikis) where a live token must not.
export const REDACTED = '[redacted]';

/** A value as it ends in a query, a form, a header list or JSON. */
const VALUE = `[^\\s&;,"'<>]+`;
/** Names whose value is a secret: `password`, `access_token`, `client_secret`, `x-api-key` … */
const SECRET_NAME = `(?:[A-Za-z]+[_-])*(?:password|passwd|token|api[_-]?key|apikey|secret)`;

/** Each pattern keeps group 1 (what names the value) and redacts what follows it. */
const CREDENTIALS: readonly RegExp[] = [
  // Authorization headers, Digest's parameter list whole; the scheme stays.
  /\b((?:proxy-)?authorization(?:"\s*:\s*"|\s*[:=]\s*)(?:Digest\s+))(?:[\w-]+=(?:"[^"]*"|[^\s,"]+)(?:\s*,\s*)?)+/gi,
  /\b((?:proxy-)?authorization(?:"\s*:\s*"|\s*[:=]\s*)(?:(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|ApiKey|AWS4-HMAC-SHA256)\s+)?)[^\s"',;]+/gi,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  // A cookie header: every name=value pair of it.
  /\b((?:set-)?cookie(?:"\s*:\s*"|\s*:\s*))[^\s;=",]+=[^\s;",]*(?:;\s*[^\s;=",]+=[^\s;",]*)*/gi,
  /(?<![\p{L}\p{N}])((?:set-)?cookie=)[^\s&"'<>]+/giu,
  // name=value in a query or form, name="value", and "name": "value" in JSON.
  new RegExp(`(?<![\\p{L}\\p{N}])(${SECRET_NAME}=)(?!")${VALUE}`, 'giu'),
  new RegExp(`(?<![\\p{L}\\p{N}])(${SECRET_NAME}=")[^"]*`, 'giu'),
  new RegExp(`("${SECRET_NAME}"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*`, 'giu'),
];
/** A JWT: three base64url segments, the first a JSON header (`{"` is `eyJ`). */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

export function redactCredentials(text: string): string {
  let out = text.replace(JWT, REDACTED);
  for (const pattern of CREDENTIALS) {
    out = out.replace(pattern, (whole, name: string) => (whole === name + REDACTED ? whole : name + REDACTED));
  }
  return out;
}
