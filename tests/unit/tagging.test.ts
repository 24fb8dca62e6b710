// Track tagging rules (electron/core/ingest/tagging.ts): evidence in, track and rule out.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TAGGING_RULES,
  type TagEvidence,
  type TaggingRules,
  compileRules,
  parseTaggingRules,
  trackLabelOf,
} from '../../electron/core/ingest/tagging.js';

const none: TagEvidence = { trackLabel: null, host: null, pod: null, service: null, version: null };
const defaults = compileRules(DEFAULT_TAGGING_RULES);
const tagged = (e: Partial<TagEvidence>, rules = defaults, importTrack: 'canary' | 'stable' | null = null) =>
  rules.tag({ ...none, ...e }, importTrack);

describe('default rules', () => {
  it.each([
    ['canary', 'canary'],
    ['Canary ', 'canary'],
    ['preview', 'canary'],
    ['stable', 'stable'],
    ['baseline', 'stable'],
    ['primary', 'stable'],
    ['active', 'stable'],
    ['green', 'unknown'],
  ])('label %j is %s', (label, track) => {
    expect(tagged({ trackLabel: label }).track).toBe(track);
  });

  it.each([
    ['checkout-canary-7f9c', 'canary'],
    ['checkout-canary2', 'canary'],
    ['CANARY.web.internal', 'canary'],
    ['web-stable-2', 'stable'],
    ['db-primary', 'stable'],
    ['canaryish-web', 'unknown'],
    ['unstable-box', 'unknown'],
    ['primaryschool', 'unknown'],
    ['canary-vs-stable', 'unknown'],
  ])('host %j is %s (word boundaries; both words decide nothing)', (host, track) => {
    expect(tagged({ host }).track).toBe(track);
  });

  it('names the rule that decided, label before pod before host', () => {
    expect(tagged({ trackLabel: 'stable', host: 'web-canary-1' })).toEqual({ track: 'stable', trackRule: 'label' });
    expect(tagged({ pod: 'checkout-canary-6d4f-x2k4p', host: 'node-stable-3' })).toEqual({
      track: 'canary',
      trackRule: 'pod-name',
    });
    expect(tagged({ host: 'node-stable-3' })).toEqual({ track: 'stable', trackRule: 'host-name' });
    expect(tagged({ host: 'node-3' })).toEqual({ track: 'unknown', trackRule: null });
  });

  it('lets the import-wide track override every rule', () => {
    expect(tagged({ trackLabel: 'canary' }, defaults, 'stable')).toEqual({ track: 'stable', trackRule: 'import' });
  });

  it('falls through to the next rule when a label names no track', () => {
    expect(tagged({ trackLabel: 'frontend', host: 'web-canary' }).track).toBe('canary');
  });
});

describe('rules the analyst writes', () => {
  const rules: TaggingRules = {
    rules: [
      { kind: 'version', service: 'checkout', canaryVersion: '4.13.0', stableVersion: '4.12.3' },
      { kind: 'pod-template-hash', name: 'argo-hash', canary: ['7bf84f9696'], stable: ['789746c88d'] },
    ],
  };
  const custom = compileRules(rules);

  it('tags by version for the named service only', () => {
    expect(tagged({ service: 'checkout', version: '4.13.0' }, custom)).toEqual({
      track: 'canary',
      trackRule: 'version:checkout',
    });
    expect(tagged({ service: 'checkout', version: '4.12.3' }, custom).track).toBe('stable');
    expect(tagged({ service: 'checkout', version: '4.11.0' }, custom).track).toBe('unknown');
    expect(tagged({ service: 'cart', version: '4.13.0' }, custom).track).toBe('unknown');
  });

  it("tags by Argo Rollouts' pod template hash in the pod name", () => {
    expect(tagged({ pod: 'rollouts-demo-7bf84f9696-x2k4p' }, custom)).toEqual({
      track: 'canary',
      trackRule: 'argo-hash',
    });
    expect(tagged({ pod: 'rollouts-demo-789746c88d-abcde' }, custom).track).toBe('stable');
    expect(tagged({ pod: 'rollouts-demo-1234567890-abcde' }, custom).track).toBe('unknown');
    expect(tagged({ pod: '7bf84f9696' }, custom).track).toBe('unknown');
  });

  it('rejects rules that are not valid, saying where', () => {
    expect(() => parseTaggingRules({ rules: [{ kind: 'regex', pattern: '.*' }] })).toThrow(
      /tagging rules are not valid: rules\.0/,
    );
    expect(() => parseTaggingRules({ rules: [{ kind: 'name', field: 'ip', canary: [], stable: [] }] })).toThrow(
      /rules\.0\.field/,
    );
    expect(() => parseTaggingRules({ rules: [{ kind: 'label', canary: [''], stable: [] }] })).toThrow(
      /rules\.0\.canary/,
    );
    expect(() => parseTaggingRules({ rules: [], extra: 1 })).toThrow(/not valid/);
    expect(parseTaggingRules({ rules: [] })).toEqual({ rules: [] });
  });

  it('treats words as text, not patterns', () => {
    const dotted = compileRules({ rules: [{ kind: 'name', field: 'host', canary: ['c.n'], stable: [] }] });
    expect(tagged({ host: 'web-c.n-1' }, dotted).track).toBe('canary');
    expect(tagged({ host: 'web-can-1' }, dotted).track).toBe('unknown');
  });
});

describe('trackLabelOf', () => {
  it('reads ECS labels, Kubernetes labels and a plain track field, dotted or nested', () => {
    expect(trackLabelOf({ 'labels.track': 'canary' })).toBe('canary');
    expect(trackLabelOf({ labels: { release: 'stable' } })).toBe('stable');
    expect(trackLabelOf({ kubernetes: { labels: { role: 'canary' } } })).toBe('canary');
    expect(trackLabelOf({ 'kubernetes.labels.track': 'baseline' })).toBe('baseline');
    expect(trackLabelOf({ track: 'primary' })).toBe('primary');
    expect(trackLabelOf({ message: 'canary' })).toBeNull();
  });

  it('prefers a value that names a track over a Helm release name found first', () => {
    expect(trackLabelOf({ kubernetes: { labels: { release: 'checkout-prod', role: 'canary' } } })).toBe('canary');
    expect(trackLabelOf({ kubernetes: { labels: { release: 'checkout-prod' } } })).toBe('checkout-prod');
  });

  it('ignores labels that are not text', () => {
    expect(trackLabelOf({ labels: { track: 1 } })).toBeNull();
    expect(trackLabelOf({ labels: { track: ' ' } })).toBeNull();
  });
});
