// The JSON review is the model as it stands, written so that no character from a log can act
// where it is read: C1 controls (a terminal's CSI), bidi overrides and line separators come
// out as \uXXXX escapes, and a JSON reader gets the same strings back.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { yamlString } from '../../electron/core/review/markdownEscape.js';
import { projectRoot } from '../helpers/cli.js';
import { HOSTILE_NAMES, emptyAffected, sampleReviewDocument } from '../helpers/reviewFixture.js';

const schema = JSON.parse(fs.readFileSync(path.join(projectRoot, 'docs/schema/review.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

const ACTORS = '\u009b31m \u202eevil\u202c \u2066x\u2069 \u2028 \u200f';

describe('the JSON review', () => {
  it('escapes C1 controls, bidi controls and line separators, and reads back the same', () => {
    const doc = sampleReviewDocument({ service: `checkout${ACTORS}`, canaryVersion: `2.5.0${ACTORS}` });
    const json = renderJsonReview(doc);
    expect(json).not.toMatch(/[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(json).toContain('checkout\\u009b31m \\u202eevil\\u202c');
    expect(JSON.parse(json)).toEqual(doc);
  });

  it('is the same bytes for the same document, ending with a newline', () => {
    const doc = sampleReviewDocument();
    expect(renderJsonReview(doc)).toBe(renderJsonReview(sampleReviewDocument()));
    expect(renderJsonReview(doc).endsWith('}\n')).toBe(true);
  });
});

describe('the JSON review: who was affected', () => {
  it('keeps hostile names as data, their bidi override escaped, and matches the schema', () => {
    const doc = sampleReviewDocument({ pseudonymised: false });
    const json = renderJsonReview(doc);
    expect(json).not.toMatch(/[\u202a-\u202e]/);
    expect(json).toContain('"name": "evil\\u202egnp.exe"');
    expect(json).toContain('"name": "line\\nbreak"');
    const back = JSON.parse(json) as typeof doc;
    expect(back.affected.canaryOnly.map((p) => p.name)).toEqual([
      'user-7f3a2c91d0e4',
      ...HOSTILE_NAMES,
      'ip-0a1b2c3d4e5f',
    ]);
    expect(validate(back), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('holds the section between the timeline and the actions, empty or not', () => {
    for (const doc of [sampleReviewDocument(), sampleReviewDocument({ affected: emptyAffected() })]) {
      const keys = Object.keys(JSON.parse(renderJsonReview(doc)) as object);
      expect(keys.indexOf('affected')).toBe(keys.indexOf('timeline') + 1);
      expect(keys.indexOf('actions')).toBe(keys.indexOf('affected') + 1);
      expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
  });

  it('is refused by the schema when a party is of an unknown kind or a count is negative', () => {
    const doc = sampleReviewDocument();
    const bad = structuredClone(doc) as unknown as {
      affected: { canaryOnly: { kind: string }[]; principals: { canary: number } };
    };
    (bad.affected.canaryOnly[0] as { kind: string }).kind = 'path';
    expect(validate(bad)).toBe(false);
    const negative = structuredClone(doc);
    negative.affected.principals.canary = -1;
    expect(validate(negative)).toBe(false);
  });
});

describe('a YAML front-matter value', () => {
  it('writes bidi controls as escapes, so a title cannot be shown reversed', () => {
    const value = yamlString(`title${ACTORS}`);
    expect(value).not.toMatch(/[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(value)).toBe(`title${ACTORS}`);
  });
});
