// The filter language of business measures: conditions on named event fields, all of which
// must hold. It is data, never SQL: the core maps each field name to a column it knows and
// binds each value as a parameter (electron/core/analysis/eventFilterSql.ts).
//
//   url.path = /api/checkout and status >= 200 and status < 300
//   message contains "order confirmed" and http.method in (POST, PUT)
import { z } from 'zod';

export const FILTER_FIELDS = {
  status: 'number',
  'duration.ms': 'number',
  'url.path': 'text',
  'http.method': 'text',
  message: 'text',
  'user.name': 'text',
  'client.ip': 'text',
  'log.level': 'text',
  'host.name': 'text',
  'error.type': 'text',
  'auth.rule': 'text',
  'auth.failure': 'number',
} as const;

export type FilterField = keyof typeof FILTER_FIELDS;

export const FILTER_OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'prefix',
  'in',
  'exists',
  'missing',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const scalar = z.union([z.string().max(1000), z.number().finite()]);

export const filterConditionSchema = z
  .object({
    field: z.enum(Object.keys(FILTER_FIELDS) as [FilterField, ...FilterField[]]),
    op: z.enum(FILTER_OPERATORS),
    value: z.union([scalar, z.array(scalar).min(1).max(100), z.null()]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const wantsList = c.op === 'in';
    const wantsNone = c.op === 'exists' || c.op === 'missing';
    if (wantsNone && c.value !== null) ctx.addIssue({ code: 'custom', message: `${c.op} takes no value` });
    if (wantsList && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', message: 'in takes a list: in (a, b)' });
    if (!wantsList && !wantsNone && (c.value === null || Array.isArray(c.value))) {
      ctx.addIssue({ code: 'custom', message: `${c.op} takes one value` });
    }
  });

export type FilterCondition = z.infer<typeof filterConditionSchema>;

export const eventFilterSchema = z.array(filterConditionSchema).max(20);
export type EventFilter = FilterCondition[];

export class FilterSyntaxError extends Error {}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(<=|>=|!=|=|<|>|\(|\)|,)|([^\s(),=<>!"]+))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new FilterSyntaxError(`cannot read the filter at "${text.slice(at, at + 20)}"`);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return tokens;
}

function valueOf(token: string | undefined, field: FilterField): string | number {
  if (token === undefined) throw new FilterSyntaxError(`a value is missing after ${field}`);
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (FILTER_FIELDS[field] === 'number') {
    const n = Number(token);
    if (!Number.isFinite(n)) throw new FilterSyntaxError(`${field} compares with a number, not "${token}"`);
    return n;
  }
  return token;
}

/** Reads `field op value [and …]` into conditions; throws FilterSyntaxError with the reason. */
export function parseEventFilter(text: string): EventFilter {
  const tokens = tokenize(text);
  const conditions: EventFilter = [];
  let i = 0;
  while (i < tokens.length) {
    if (conditions.length > 0) {
      if (tokens[i]?.toLowerCase() !== 'and') throw new FilterSyntaxError(`expected "and" before "${tokens[i]}"`);
      i += 1;
    }
    const field = tokens[i++];
    if (field === undefined || !Object.hasOwn(FILTER_FIELDS, field)) {
      throw new FilterSyntaxError(`unknown field "${field ?? ''}"; fields: ${Object.keys(FILTER_FIELDS).join(', ')}`);
    }
    const name = field as FilterField;
    const op = tokens[i++]?.toLowerCase();
    if (op === undefined || !(FILTER_OPERATORS as readonly string[]).includes(op)) {
      throw new FilterSyntaxError(
        `unknown operator "${op ?? ''}" after ${name}; operators: ${FILTER_OPERATORS.join(' ')}`,
      );
    }
    if (op === 'exists' || op === 'missing') {
      conditions.push({ field: name, op, value: null });
    } else if (op === 'in') {
      if (tokens[i++] !== '(') throw new FilterSyntaxError(`in takes a list in brackets: ${name} in (a, b)`);
      const values: (string | number)[] = [];
      for (;;) {
        values.push(valueOf(tokens[i++], name));
        const next = tokens[i++];
        if (next === ')') break;
        if (next !== ',') throw new FilterSyntaxError(`expected "," or ")" in the list of ${name}`);
      }
      conditions.push({ field: name, op: 'in', value: values });
    } else {
      conditions.push({ field: name, op: op as FilterOperator, value: valueOf(tokens[i++], name) });
    }
  }
  if (conditions.length === 0) throw new FilterSyntaxError('the filter is empty');
  return eventFilterSchema.parse(conditions);
}

function showValue(value: string | number): string {
  return typeof value === 'number' || /^[^\s(),=<>!"]+$/.test(value) ? String(value) : JSON.stringify(value);
}

/** The filter written back in the language it is read in. */
export function formatEventFilter(filter: EventFilter): string {
  return filter
    .map((c) => {
      if (c.value === null) return `${c.field} ${c.op}`;
      if (Array.isArray(c.value)) return `${c.field} in (${c.value.map(showValue).join(', ')})`;
      return `${c.field} ${c.op} ${showValue(c.value)}`;
    })
    .join(' and ');
}
