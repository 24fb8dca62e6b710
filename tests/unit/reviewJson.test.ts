// The JSON review is the model as it stands, written so that no character from a log can act
// where it is read: C1 controls (a terminal's CSI), bidi overrides and line separators come
// out as \uXXXX escapes, and a JSON reader gets the same strings back.
import { describe, expect, it } from 'vitest';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { yamlString } from '../../electron/core/review/markdownEscape.js';
import { sampleReviewDocument } from '../helpers/reviewFixture.js';

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

describe('a YAML front-matter value', () => {
  it('writes bidi controls as escapes, so a title cannot be shown reversed', () => {
    const value = yamlString(`title${ACTORS}`);
    expect(value).not.toMatch(/[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(value)).toBe(`title${ACTORS}`);
  });
});
