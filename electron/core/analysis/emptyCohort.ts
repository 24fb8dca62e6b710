// Why a cohort is empty when the service has events of that track in the window all the same,
// under another deployment environment or none: rollouts are per environment, and records that
// name no environment are a cohort of their own, apart from named ones. Said with what to do,
// since the usual cause is one track's logs imported without the environment the other's name.
import type { Rollout } from '../../../shared/api.js';
import { showControlCharacters } from '../../../shared/controlCharacters.js';
import { formatCount } from '../../../shared/metricFormat.js';
import type { CaseDb } from '../case/caseStore.js';
import { type Cohort, type EnvironmentCount, cohortInOtherEnvironments } from './cohorts.js';

// A case imports the same bytes once: logs already in it are imported again into a new case.
const AGAIN = ' (into a new case, if they are in this one: a file is imported once)';

export interface CohortsElsewhere {
  service: string;
  environment: string | null;
  stable: EnvironmentCount[];
  canary: EnvironmentCount[];
}

/** The events each empty cohort would hold in other environments; undefined when none is empty. */
export function cohortsElsewhere(
  db: CaseDb,
  rollout: Rollout,
  empty: Record<Cohort, boolean>,
): CohortsElsewhere | undefined {
  if (!empty.stable && !empty.canary) return undefined;
  return {
    service: rollout.service,
    environment: rollout.environment,
    stable: empty.stable ? cohortInOtherEnvironments(db, rollout, 'stable') : [],
    canary: empty.canary ? cohortInOtherEnvironments(db, rollout, 'canary') : [],
  };
}

/** Sentences (each with a leading space) on the events an empty track has elsewhere; '' when none. */
export function elsewhereText(elsewhere: CohortsElsewhere | undefined, track: Cohort): string {
  if (elsewhere === undefined) return '';
  const service = elsewhere.service === '' ? 'the unnamed service' : showControlCharacters(elsewhere.service);
  const ours = elsewhere.environment === null ? null : showControlCharacters(elsewhere.environment);
  const other = track === 'stable' ? 'canary' : 'stable';
  return elsewhere[track]
    .map(({ environment, events }) => {
      const what = `${formatCount(events)} ${track} ${events === 1 ? 'event' : 'events'} of ${service} in this window`;
      // Both tracks' events are elsewhere, in one environment (a rollout defined in the wrong
      // one, or before its events were given theirs): the rollout is to be defined there.
      if (elsewhere[other].some((o) => o.environment === environment)) {
        const there = environment === null ? 'no environment' : `the environment ${showControlCharacters(environment)}`;
        const define =
          environment === null ? 'without --environment' : `with --environment ${showControlCharacters(environment)}`;
        return ` ${what} ${events === 1 ? 'names' : 'name'} ${there}, as the ${other}'s do: define the rollout ${define} to judge them.`;
      }
      // Other than the rollout's: null only when the rollout names one, and the other way round.
      if (environment === null || ours === null) {
        if (ours !== null) {
          return ` ${what} ${events === 1 ? 'names' : 'name'} no environment, and this rollout takes only those of ${ours}: import their logs with --environment ${ours} to judge them here${AGAIN}.`;
        }
        const theirs = showControlCharacters(environment ?? '');
        return ` ${what} ${events === 1 ? 'names' : 'name'} the environment ${theirs}, and this rollout takes only events that name none: import the ${other}'s logs with --environment ${theirs} to judge the two together there${AGAIN}.`;
      }
      return ` ${what} ${events === 1 ? 'is' : 'are'} in the environment ${showControlCharacters(environment)}, not ${ours}: a rollout compares its two tracks within one environment.`;
    })
    .join('');
}
