// The service a Kubernetes pod runs, read from the pod's name. Container names are often
// generic (app, main, server, web): taken as the service, every deployment on a node would
// be one service, and a rollout could set one service's canary against another's stable.
// The pod's name is its workload's name plus what the controller added:
//   Deployment   <name>-<pod-template-hash>-<5 random>   checkout-7d9f8c6b5-x2k4p
//   DaemonSet, Job, generateName   <name>-<5 random>       node-exporter-x2k4p
//   StatefulSet  <name>-<ordinal>                          ledger-0
// Kubernetes draws the random suffix from an alphabet without vowels (nor 0, 1, 3:
// apimachinery's rand.String), and writes the hash, a decimal number, through the same
// alphabet byte by byte (SafeEncodeString), which leaves only 4-9 and b, c, d, f; so a word of
// the name is not taken for either. Older clusters wrote the hash as plain decimal digits.
// A canary made by hand, Flagger (`<name>-primary`) or a `-canary` Deployment carries a
// track word at the end of the workload's name: it is dropped so both tracks name one service.

const RANDOM = '[bcdfghjklmnpqrstvwxz2456789]';
// The encoded hash's characters, and the digits of the old decimal one.
const DEPLOYMENT = new RegExp(`^(.+)-[\\dbcdf]{1,10}-${RANDOM}{5}$`);
const GENERATED = new RegExp(`^(.+)-${RANDOM}{5}$`);
const STATEFUL = /^(.+)-\d+$/;
const TRACK_WORD = /^(.+?)-(?:canary|stable|primary|baseline)$/;

/** The workload (service) a pod's name says it belongs to, or null when the name does not reduce. */
export function workloadOfPod(pod: string): string | null {
  const name = DEPLOYMENT.exec(pod)?.[1] ?? GENERATED.exec(pod)?.[1] ?? STATEFUL.exec(pod)?.[1] ?? null;
  if (name === null) return null;
  return TRACK_WORD.exec(name)?.[1] ?? name;
}
