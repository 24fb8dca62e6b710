// The deployment environment a JSON record names (staging, production, …), wherever the
// writers of these formats put it. Kept as written (trimmed): `prod` and `production` are two
// names the logs chose, and guessing that they mean one environment would merge cohorts.
import { field } from '../fieldAccess.js';

/**
 * Looked up in order; the first that holds a value of its own wins. ECS first; then
 * OpenTelemetry's resource attribute (`deployment.environment.name` since semantic conventions
 * 1.27, `deployment.environment` before), bare as the Elastic and OTel JSON exporters flatten
 * it or under `resource.attributes`; then labels, and the bare names JSON loggers write.
 */
export const ENVIRONMENT_FIELDS = [
  'service.environment',
  'deployment.environment.name',
  'deployment.environment',
  'resource.attributes.deployment.environment.name',
  'resource.attributes.deployment.environment',
  'labels.environment',
  'labels.env',
  'labels.deployment.environment.name',
  'labels.deployment.environment',
  'environment',
  'env',
] as const;

/**
 * The environment of a record, or null. A path whose value is an object (OTel's
 * `deployment.environment: {name: …}` read as `deployment.environment`, or an `env` holding a
 * process's variables) is not a name: the next path is tried.
 */
export function environmentOf(doc: Record<string, unknown>): string | null {
  for (const path of ENVIRONMENT_FIELDS) {
    const value = field(doc, path);
    const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
    if (text !== '') return text;
  }
  return null;
}
