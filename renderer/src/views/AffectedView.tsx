import { showControlCharacters } from '../../../shared/controlCharacters';
import { formatCount } from '../../../shared/metricFormat';
import type { ReviewAffected, ReviewAffectedParty } from '../../../shared/review';

// "Who was affected", the review's own section (the core builds it with the analysis it comes from: rollout.analyse), with
// names in clear as everywhere else on the page. Names come from logs: React text only, with
// control characters (a line break, a bidi override) shown as visible stand-ins.

const KIND: Record<ReviewAffectedParty['kind'], string> = { user: 'Principal', ip: 'Client IP' };

function PartyTable({
  parties,
  countLabel,
  testId,
}: {
  parties: ReviewAffectedParty[];
  countLabel: string;
  testId: string;
}) {
  return (
    <table className="comparison affected-parties" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Principal or client IP</th>
          <th scope="col">{countLabel}</th>
        </tr>
      </thead>
      <tbody>
        {parties.map((p, i) => (
          <tr key={`${p.kind}-${i}`} data-testid="affected-party" data-kind={p.kind}>
            <th scope="row">{KIND[p.kind]}</th>
            <td className="party-name">{showControlCharacters(p.name)}</td>
            <td>{formatCount(p.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "3 more principals and 1 more client IP"; null when none. */
function more(users: number, ips: number): string | null {
  const parts = [
    users > 0 ? `${formatCount(users)} more ${users === 1 ? 'principal' : 'principals'}` : null,
    ips > 0 ? `${formatCount(ips)} more ${ips === 1 ? 'client IP' : 'client IPs'}` : null,
  ].filter((x) => x !== null);
  return parts.length === 0 ? null : parts.join(' and ');
}

function notListedText({ users, ips }: ReviewAffected['canaryOnlyNotListed']): string | null {
  const left = more(users, ips);
  return left === null
    ? null
    : `And ${left} failed only on the canary (not listed: each list keeps those with the most failures, as many as the topSources setting).`;
}

/** "; 3 more principals are not listed", for a surge whose lists were cut. */
function unlisted(surge: ReviewAffected['surges'][number]): string {
  const listed = (kind: ReviewAffectedParty['kind']): number => surge.parties.filter((p) => p.kind === kind).length;
  const users = Math.max(0, surge.distinct.users - listed('user'));
  const ips = Math.max(0, surge.distinct.ips - listed('ip'));
  const left = more(users, ips);
  return left === null ? '' : `; ${left} ${users + ips === 1 ? 'is' : 'are'} not listed`;
}

function Affected({ affected }: { affected: ReviewAffected }) {
  const notListed = notListedText(affected.canaryOnlyNotListed);
  const anyFailure = [affected.principals, affected.clientIps].some((c) => c.canary > 0 || c.stable > 0);
  return (
    <>
      <p data-testid="affected-summary">{affected.summary.join(' ')}</p>
      {anyFailure && (
        <table className="comparison" data-testid="affected-counts">
          <caption>Distinct principals and client IPs that failed authentication</caption>
          <thead>
            <tr>
              <th scope="col">Failed authentication</th>
              <th scope="col">Canary</th>
              <th scope="col">Stable</th>
              <th scope="col">Only on the canary</th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                ['Principals (users)', affected.principals],
                ['Client IPs', affected.clientIps],
              ] as const
            ).map(([label, c]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{formatCount(c.canary)}</td>
                <td>{formatCount(c.stable)}</td>
                <td>{formatCount(c.canaryOnly)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Failed only on the canary</h3>
      {affected.canaryOnly.length === 0 ? (
        <p className="muted">Nobody failed authentication only on the canary.</p>
      ) : (
        <PartyTable parties={affected.canaryOnly} countLabel="Canary failures" testId="affected-canary-only" />
      )}
      {notListed !== null && <p className="muted">{notListed}</p>}
      <h3>Behind the 401 and 403 surges</h3>
      {affected.surges.length === 0 ? (
        <p className="muted">No 401 or 403 surge on the canary.</p>
      ) : (
        affected.surges.map((surge) => (
          <div key={`${surge.status}-${surge.at.epochMs}`} data-testid="affected-surge">
            <h4>
              {surge.status} surge, {surge.at.uk} until {surge.until.uk}
            </h4>
            {surge.parties.length === 0 ? (
              <p className="muted">The surge’s events name no principal and no client IP.</p>
            ) : (
              <PartyTable
                parties={surge.parties}
                countLabel={`${surge.status} answers`}
                testId="affected-surge-parties"
              />
            )}
            <p className="muted">
              In all the canary answered {surge.status} to {formatCount(surge.distinct.users)}{' '}
              {surge.distinct.users === 1 ? 'principal' : 'principals'} and {formatCount(surge.distinct.ips)}{' '}
              {surge.distinct.ips === 1 ? 'client IP' : 'client IPs'} during the surge
              {unlisted(surge)}.
            </p>
          </div>
        ))
      )}
      <p className="footnote">
        A principal is the user an event names; a failure is an event marked as an authentication failure. Only on the
        canary: failed on the canary and never on stable in the window. Names are shown in clear, as logged.
      </p>
    </>
  );
}

/** The section of the rollout the page judged (rollout.analyse brings it with the analysis). */
export function AffectedView({ affected }: { affected: ReviewAffected }) {
  return (
    <section data-testid="affected" aria-labelledby="affected-title">
      <h2 id="affected-title">Who was affected</h2>
      <Affected affected={affected} />
    </section>
  );
}
