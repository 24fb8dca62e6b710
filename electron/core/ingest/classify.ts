// Marks authentication failures at ingest and records which rule matched, so the analysis
// can count per rule and a reader can check why an event was counted. A format that knows a
// record's own verdict (ECS `event.category`/`event.outcome`) sets the rule itself; the
// others are decided here from the fields every format fills in.
//
// The rules are one table, read top to bottom; the first rule that matches names the event,
// so one line is one event with one rule however many phrases it holds ("Failed password for
// invalid user x" is `sshd-failed-password`, not also `sshd-invalid-user`). Across lines,
// one attempt can be logged more than once by design of the programs (sshd's "Failed
// password" and PAM's "authentication failure" for the same try); the rule ids keep those
// apart, so the analysis can count one family. Lines that only accompany a failure logged on
// its own line are not marked: PAM's `check pass; user unknown` (followed by the
// `authentication failure` line of the same process: all 117 times in loghub's Linux log)
// and `PAM N more authentication failures` (a summary of attempts sshd already logged one by one, as Elastic's own auth
// pipeline also leaves it).

export interface AuthSignals {
  status: number | null;
  /** The record's message (its first line for a multi-line record). */
  message?: string | null;
  errorType?: string | null;
  errorMessage?: string | null;
}

export interface AuthRuleDefinition {
  /** Stable: stored on every event it marks and counted by the analysis. */
  id: string;
  /** What the rule recognises, for people reading a finding. */
  description: string;
  /** Tested against the message. */
  message?: RegExp;
  /** Tested against the exception type, then the exception message. */
  exception?: RegExp;
  /** Phrases that make the text a success or a mere mention: the rule does not apply. */
  unless?: RegExp;
}

// Success words: "authentication succeeded", "token refreshed successfully", "login
// successful after 2 failed attempts" (the failures were their own lines).
const SUCCESS = /\b(?:succeeded|successful(?:ly)?|success|accepted|granted|authenticated successfully)\b/i;

export const AUTH_RULES: readonly AuthRuleDefinition[] = [
  // sshd (OpenSSH), as auth.log and /var/log/secure write it. These read the message alone,
  // not the program (`--service` may have replaced it), so their shapes are kept exact.
  {
    id: 'sshd-failed-password',
    description: 'sshd: Failed password (or keyboard-interactive) for a user',
    message: /^Failed (?:password|keyboard-interactive\/pam|none) for (?:invalid user |illegal user )?\S* from \S+/,
  },
  {
    id: 'sshd-failed-publickey',
    description: 'sshd: Failed publickey for a user',
    message: /^Failed (?:publickey|hostbased|gssapi-with-mic) for (?:invalid user |illegal user )?\S* from \S+/,
  },
  {
    id: 'sshd-invalid-user',
    description:
      'sshd: Invalid user (a login attempt for a user that does not exist; "Illegal user" before OpenSSH 3.9)',
    message: /^(?:Invalid|Illegal) user \S* from \S+/,
  },
  {
    id: 'sshd-too-many-auth-failures',
    description: 'sshd: Too many authentication failures / maximum authentication attempts exceeded',
    message:
      /^(?:error: |Disconnecting(?: invalid| authenticating)? user \S+ \S+ port \d+: |Disconnecting: )?(?:Too many authentication failures|maximum authentication attempts exceeded)\b/,
  },
  // PAM modules (pam_unix, pam_sss, …) for any service: sshd, su, sudo, login, gdm, ftpd.
  {
    id: 'pam-authentication-failure',
    description: 'PAM: authentication failure (pam_unix and other modules, any service)',
    // `error: PAM: Authentication failure for x from h` is how sshd itself reports PAM's verdict.
    message:
      /^(?:pam_\w+\([\w-]+:(?:auth|chauthtok)\): )?authentication failure\b|^(?:error: )?PAM: Authentication failure for /,
  },
  {
    id: 'unix-chkpwd-failed',
    description: "unix_chkpwd: password check failed (pam_unix's helper, e.g. a screen lock)",
    message: /^password check failed for user \(\S+\)/,
  },
  {
    id: 'su-failed',
    description: 'su: FAILED SU (a wrong password for another user)',
    message: /^FAILED SU \(to \S+\) \S+ on /,
  },
  {
    id: 'sudo-incorrect-password',
    description: 'sudo: incorrect password attempts',
    message: /^\s*\S+ : \d+ incorrect password attempts?\b/,
  },
  {
    id: 'kerberos-authentication-failed',
    description: 'Kerberos login daemons (klogind, kshd): authentication failed',
    message: /^(?:Kerberos authentication failed|Authentication failed from \S+)/,
  },
  // Web servers' basic authentication (their error logs): nginx `user "bob" was not found in
  // "/etc/nginx/.htpasswd"` / `user "bob": password mismatch`; Apache AH01617 / AH01618.
  {
    id: 'web-basic-auth-failure',
    description: 'nginx / Apache basic authentication: unknown user or password mismatch',
    message:
      /\buser "[^"]*"(?: was not found in "|: password mismatch)|\buser \S+: authentication failure for "|\buser \S+ not found: \//,
  },
  // Keycloak's event log (org.keycloak.events): `type=LOGIN_ERROR, …, error=invalid_user_credentials`,
  // quoted since Keycloak 17. CLIENT_LOGIN_ERROR is a client's credentials refused.
  {
    id: 'keycloak-login-error',
    description:
      'Keycloak: a LOGIN_ERROR or CLIENT_LOGIN_ERROR event (wrong password, unknown user, bad client secret)',
    message: /\btype="?(?:CLIENT_)?LOGIN_ERROR\b/,
  },
  // Application phrases. Spring Security first: its exception names are exact.
  {
    id: 'app-spring-bad-credentials',
    description: 'Spring Security: Bad credentials / BadCredentialsException',
    message: /\bBad credentials\b|\bBadCredentialsException\b/,
    exception: /\bBadCredentialsException\b|^Bad credentials$/,
    unless: SUCCESS,
  },
  {
    id: 'app-spring-insufficient-authentication',
    description: 'Spring Security: InsufficientAuthenticationException / full authentication is required',
    message:
      /\bInsufficientAuthenticationException\b|\bFull authentication is required to access this resource\b|\bAn Authentication object was not found in the SecurityContext\b/,
    exception: /\bInsufficientAuthenticationException\b/,
  },
  {
    id: 'app-spring-authentication-exception',
    description: 'Spring Security: another AuthenticationException (user not found, credentials expired, …)',
    message:
      /\b(?:UsernameNotFoundException|AuthenticationCredentialsNotFoundException|CredentialsExpiredException|AccountExpiredException)\b/,
    exception:
      /\borg\.springframework\.security\.(?:authentication|core)\.[\w.]*Exception\b|\b(?:UsernameNotFoundException|AuthenticationCredentialsNotFoundException|CredentialsExpiredException|AccountExpiredException)\b/,
  },
  {
    id: 'app-jwt-error',
    description: 'JWT rejected: expired, malformed, bad signature (jsonwebtoken, jjwt, PyJWT, auth0 java-jwt)',
    message:
      /\b(?:JsonWebTokenError|TokenExpiredError|NotBeforeError|ExpiredJwtException|MalformedJwtException|UnsupportedJwtException|ExpiredSignatureError|InvalidSignatureError|JWTVerificationException|JWTDecodeException|SignatureVerificationException)\b|\bjwt (?:expired|malformed|must be provided|signature is required|not active|audience invalid|issuer invalid|id invalid|subject invalid)\b|\b(?:invalid|expired|malformed) (?:jwt|jws)\b|\b(?:jwt|jws)(?: token)? (?:is )?(?:invalid|expired|malformed)\b|\b(?:jwt|jws|token) signature (?:does not match|verification failed|is invalid)\b|\b(?:jwt|jws)(?: token)? (?:validation|verification|decoding|parsing) failed\b/i,
    exception:
      /\b(?:JsonWebTokenError|TokenExpiredError|NotBeforeError|ExpiredJwtException|MalformedJwtException|UnsupportedJwtException|ExpiredSignatureError|InvalidSignatureError|JWTVerificationException|JWTDecodeException|SignatureVerificationException|TokenExpiredException)\b|^io\.jsonwebtoken\.|^jwt\.exceptions\./,
    unless: SUCCESS,
  },
  {
    id: 'app-invalid-token',
    description: 'Invalid, expired or revoked (access, bearer, refresh, API) token',
    message:
      /\b(?:invalid|expired|revoked)(?: or (?:expired|invalid|revoked))? (?:access |auth |authentication |bearer |refresh |api |id |session |csrf )?token\b|\btoken (?:is |has )?(?:invalid|expired|been revoked|revoked|not valid)\b|\b(?:access |bearer |auth )?token (?:validation|verification) failed\b/i,
    exception: /\b(?:InvalidToken|TokenExpired|ExpiredToken|InvalidBearerToken)(?:Exception|Error)\b/,
    // A parser's token ("SyntaxError: invalid token", "Unexpected token } in JSON") is no credential.
    unless: new RegExp(`${SUCCESS.source}|\\b(?:SyntaxError|JSON|pars(?:e|er|ing)|lexer|position|unexpected)\\b`, 'i'),
  },
  {
    id: 'app-session-expired',
    description: 'Session expired or timed out (the user must log in again)',
    message: /\bsession (?:has )?(?:expired|timed out)\b/i,
    exception: /\bSession(?:Expired|Timeout)(?:Exception|Error)\b/,
    unless: SUCCESS,
  },
  {
    id: 'app-invalid-credentials',
    description: 'Invalid credentials: wrong user name or password, bad API key',
    message:
      /\binvalid (?:credentials|password|user ?name or password|username\/password|login(?: credentials)?|api[ -]?key)\b|\b(?:wrong|incorrect) (?:password|credentials|user ?name or password|username\/password)\b|\bpassword (?:is )?(?:incorrect|wrong|mismatch)\b/i,
    exception: /\bInvalidCredentials(?:Exception|Error)\b/,
    // Choosing a password is not logging in: "invalid password: must be 8 characters or more".
    unless: new RegExp(
      `${SUCCESS.source}|\\b(?:format|length|policy|complexity|too short|too long|requirements?|must (?:be|contain|have))\\b`,
      'i',
    ),
  },
  {
    id: 'app-login-failed',
    description: 'Login / sign-in / authentication failed',
    message:
      /\b(?:login|log-in|logon|sign-in|signin|authentication|auth) (?:attempt )?(?:failed|failure|unsuccessful|denied|rejected)\b|\bfailed (?:to )?(?:login|log in|log on|sign in|authenticate)\b|\bunable to (?:authenticate|log in)\b/i,
    exception: /\b(?:Authentication|Login)(?:Failed)?(?:Exception|Error)\b/,
    unless: SUCCESS,
  },
  {
    id: 'app-missing-credentials',
    description: 'passport: Missing credentials',
    message: /\bMissing credentials\b/,
  },
  {
    id: 'app-unauthorized',
    description: 'Unauthorized (passport, express-jwt UnauthorizedError)',
    message: /^(?:\d{3} )?Unauthorized\.?$|\bUnauthorizedError\b/,
    exception: /\bUnauthorized(?:Error|Exception|HttpException)\b/,
  },
];

/** `http-401`, `ecs-authentication-failure` (set by the ECS reader), or an `AUTH_RULES` id. */
export type AuthRule = string;

/** ECS's own statement: `event.category` holds `authentication` and `event.outcome` is `failure`. */
export function ecsAuthenticationFailure(eventCategory: unknown, eventOutcome: unknown): boolean {
  const categories = Array.isArray(eventCategory) ? eventCategory : [eventCategory];
  return categories.includes('authentication') && eventOutcome === 'failure';
}

// Beyond this, a message is not read further: the phrases sit at its start, and a rule must
// not spend its time on a megabyte of hostile text.
const READ_LIMIT = 4096;

// rsyslog folds repeats into `message repeated 3 times: [ Failed password …]`: the attempt
// inside is what the line says. The syslog reader stores the fold as that many events
// (formats/syslogRepeats.ts); other readers keep the line as one event.
const REPEATED = /^message repeated \d+ times: \[ ?(.*)\]$/s;

/** The message a `message repeated N times: [ … ]` line repeats, or the message itself. */
export function repeatedMessage(message: string): string {
  return REPEATED.exec(message)?.[1] ?? message;
}

/** What the rules read of a record: its message and exception texts, clipped, read once. */
interface ClippedSignals {
  message: string;
  exception: string[];
}

function matches(rule: AuthRuleDefinition, { message, exception }: ClippedSignals): boolean {
  const hit =
    (message !== '' && rule.message?.test(message) === true) ||
    exception.some((text) => rule.exception?.test(text) === true);
  if (!hit) return false;
  // The guard reads the whole record: a success or a parser's token anywhere in it.
  const { unless } = rule;
  return unless === undefined || ![message, ...exception].some((text) => unless.test(text));
}

export function authFailureRule(signals: AuthSignals): AuthRule | null {
  if (signals.status === 401) return 'http-401';
  const clip = (value: string | null | undefined): string => value?.slice(0, READ_LIMIT) ?? '';
  const clipped: ClippedSignals = {
    message: repeatedMessage(clip(signals.message)),
    exception: [clip(signals.errorType), clip(signals.errorMessage)].filter((text) => text !== ''),
  };
  for (const rule of AUTH_RULES) if (matches(rule, clipped)) return rule.id;
  return null;
}
