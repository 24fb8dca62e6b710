// Authentication-failure rules: each rule fires on the phrases it names, success messages
// and mere mentions do not, and one line is one event with one rule.
import { describe, expect, it } from 'vitest';
import { AUTH_RULES, authFailureRule } from '../../electron/core/ingest/classify.js';
import { syslogFormat } from '../../electron/core/ingest/formats/syslog.js';
import { runFormat } from '../helpers/runFormat.js';

const byMessage = (message: string): string | null => authFailureRule({ status: null, message });

describe('authFailureRule', () => {
  it.each([
    ['Failed password for root from 216.160.83.57 port 29160 ssh2', 'sshd-failed-password'],
    ['Failed password for invalid user admin from 10.0.0.1 port 22 ssh2', 'sshd-failed-password'],
    ['Failed keyboard-interactive/pam for bob from 10.0.0.1 port 22 ssh2', 'sshd-failed-password'],
    ['Failed publickey for git from 10.0.0.1 port 22 ssh2: RSA SHA256:x', 'sshd-failed-publickey'],
    ['Invalid user test from 10.0.2.2', 'sshd-invalid-user'],
    ['Invalid user oracle from 198.51.100.4 port 4000', 'sshd-invalid-user'],
    ['Disconnecting: Too many authentication failures [preauth]', 'sshd-too-many-auth-failures'],
    [
      'error: maximum authentication attempts exceeded for root from 10.0.0.1 port 22 ssh2 [preauth]',
      'sshd-too-many-auth-failures',
    ],
    [
      'Disconnecting authenticating user root 10.0.0.1 port 22: Too many authentication failures [preauth]',
      'sshd-too-many-auth-failures',
    ],
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root',
      'pam-authentication-failure',
    ],
    [
      'pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=bob',
      'pam-authentication-failure',
    ],
    [
      'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      'pam-authentication-failure',
    ],
    [
      '  bob : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls',
      'sudo-incorrect-password',
    ],
    ['Kerberos authentication failed ', 'kerberos-authentication-failed'],
    [
      'Authentication failed from 163.27.187.39 (163.27.187.39): Permission denied in replay cache code ',
      'kerberos-authentication-failed',
    ],
    [
      'Authentication request failed: org.springframework.security.authentication.BadCredentialsException: Bad credentials',
      'app-spring-bad-credentials',
    ],
    ['Full authentication is required to access this resource', 'app-spring-insufficient-authentication'],
    ['jwt expired', 'app-jwt-error'],
    ['JWT signature does not match locally computed signature', 'app-jwt-error'],
    ['Rejected request: TokenExpiredError: jwt expired', 'app-jwt-error'],
    ['JWT validation failed: no signing key for kid', 'app-jwt-error'],
    ['Bearer token verification failed: audience mismatch', 'app-invalid-token'],
    ['An Authentication object was not found in the SecurityContext', 'app-spring-insufficient-authentication'],
    ['Invalid or expired token', 'app-invalid-token'],
    ['access token has expired for client 42', 'app-invalid-token'],
    ['Your session has expired, please log in again', 'app-session-expired'],
    ['POST /login: invalid credentials for bob@example.com', 'app-invalid-credentials'],
    ['Wrong username or password', 'app-invalid-credentials'],
    ['Login failed for user alice', 'app-login-failed'],
    ['Failed to authenticate user carol: LDAP said no', 'app-login-failed'],
    ['Missing credentials', 'app-missing-credentials'],
    ['Unauthorized', 'app-unauthorized'],
    ['UnauthorizedError: No authorization token was found', 'app-unauthorized'],
  ])('%j -> %s', (message, rule) => {
    expect(byMessage(message)).toBe(rule);
  });

  it.each([
    'Accepted password for vagrant from 192.168.33.1 port 58803 ssh2',
    'Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99',
    'authentication succeeded for alice',
    'Login successful for bob after 2 failed attempts',
    'Issued a new access token for client web',
    'Token refreshed successfully; old token expired at 10:00',
    'JWT validated for user 42',
    'check pass; user unknown',
    'PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root',
    'session opened for user cyrus by (uid=0)',
    'Cleaning up 12 expired sessions',
    'user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
    'Did not receive identification string from 2.125.160.217',
    'GET /api/tokens 200',
    'Unauthorized access attempts today: 0 (see dashboard)',
    'SyntaxError: invalid token',
    'Unexpected token } in JSON at position 5',
    'unknown token: <EOF>',
    'Registration rejected: invalid password, must be 8 characters or more',
  ])('%j is not an authentication failure', (message) => {
    expect(byMessage(message)).toBeNull();
  });

  it('reads the exception type and message, not only the message', () => {
    expect(
      authFailureRule({
        status: null,
        message: 'Request failed',
        errorType: 'org.springframework.security.authentication.BadCredentialsException',
        errorMessage: 'Bad credentials',
      }),
    ).toBe('app-spring-bad-credentials');
    expect(
      authFailureRule({
        status: null,
        message: 'filter chain stopped',
        errorType: 'org.springframework.security.authentication.InsufficientAuthenticationException',
        errorMessage: null,
      }),
    ).toBe('app-spring-insufficient-authentication');
    expect(
      authFailureRule({
        status: null,
        message: 'x',
        errorType: 'io.jsonwebtoken.ExpiredJwtException',
        errorMessage: 'JWT expired at 2026-01-01',
      }),
    ).toBe('app-jwt-error');
    expect(
      authFailureRule({
        status: null,
        message: 'x',
        errorType: 'java.lang.IllegalStateException',
        errorMessage: 'boom',
      }),
    ).toBeNull();
    // The guard reads the whole record: the parser's SyntaxError beside a bare "invalid token".
    expect(
      authFailureRule({ status: null, message: 'invalid token', errorType: 'SyntaxError', errorMessage: null }),
    ).toBeNull();
    expect(authFailureRule({ status: null, message: 'invalid token', errorType: null, errorMessage: null })).toBe(
      'app-invalid-token',
    );
  });

  it('HTTP 401 comes first and needs no message', () => {
    expect(authFailureRule({ status: 401 })).toBe('http-401');
    expect(authFailureRule({ status: 403, message: 'Forbidden' })).toBeNull();
  });

  it('has stable, unique, kebab-case rule ids, each with a description', () => {
    const ids = AUTH_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of AUTH_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
      expect(rule.description.length).toBeGreaterThan(5);
      expect(rule.message ?? rule.exception).toBeDefined();
    }
  });

  // A hang (a backtracking pattern) fails by vitest's timeout; no clock in the test.
  it('reads a huge hostile message without a pattern that backtracks over it', () => {
    expect(byMessage('invalid '.repeat(200_000))).toBeNull();
  });
});

describe('one failed attempt on one line is one event with one rule', () => {
  it('counts "Failed password for invalid user" once, as a failed password', () => {
    const { events } = runFormat(syslogFormat, [
      'Feb 22 16:45:20 slave22 sshd[2738]: Failed password for invalid user admin from 202.109.143.106 port 1786 ssh2',
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ authFailure: true, authRule: 'sshd-failed-password', user: 'admin' });
  });
});
