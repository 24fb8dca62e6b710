// The packed form events cross threads in gives back exactly the events that were packed:
// every field, nulls apart from empty strings and zeros, numbers a NaN or an infinity
// included (the writer refuses those), and text that is not ASCII or not even valid UTF-16.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../electron/core/case/events.js';
import {
  type PackedEvents,
  forEachPackedEvent,
  packEvents,
  packedTransfer,
} from '../../electron/core/ingest/eventBatch.js';

/** Every text field a distinct value, so that a field read from its neighbour's place fails. */
function fullEvent(n: number): NewEvent {
  return {
    ts: 1_767_600_000_000 + n,
    tsText: `2026-01-05T08:00:0${n}Z`,
    track: 'canary',
    trackRule: `rule ${n}`,
    trackLabel: `label ${n}`,
    service: `service ${n}`,
    environment: `environment ${n}`,
    version: `1.${n}.0`,
    host: `host-${n}`,
    pod: `pod-${n}`,
    level: 'error',
    httpMethod: 'POST',
    urlPath: `/api/${n}`,
    status: 500 + n,
    durationMs: 12.5 + n,
    clientIp: `203.0.113.${n}`,
    user: `user${n}@example.com`,
    message: `message ${n}`,
    errorType: `TypeError${n}`,
    errorMessage: `error message ${n}`,
    errorStack: `at f${n} (x.js:1:1)`,
    fingerprint: `fp${n}`,
    authFailure: true,
    authRule: `auth ${n}`,
    sourceLine: 10 + n,
    raw: `{"n":${n}}`,
  };
}

function emptyEvent(): NewEvent {
  return {
    ts: 0,
    tsText: '',
    track: 'unknown',
    trackRule: null,
    trackLabel: null,
    service: null,
    environment: null,
    version: null,
    host: null,
    pod: null,
    level: null,
    httpMethod: null,
    urlPath: null,
    status: null,
    durationMs: null,
    clientIp: null,
    user: null,
    message: '',
    errorType: null,
    errorMessage: null,
    errorStack: null,
    fingerprint: null,
    authFailure: false,
    authRule: null,
    sourceLine: 1,
    raw: '',
  };
}

function unpack(packed: PackedEvents): NewEvent[] {
  const events: NewEvent[] = [];
  forEachPackedEvent(packed, (event) => events.push(event));
  return events;
}

describe('packed event batches', () => {
  it('give back every field of every event, in order', () => {
    const events = [fullEvent(1), emptyEvent(), fullEvent(2)];
    expect(unpack(packEvents(events))).toEqual(events);
  });

  it('keep nulls, empty strings, zeros, NaN and infinities apart', () => {
    const odd: NewEvent[] = [
      { ...emptyEvent(), status: 0, durationMs: 0 },
      { ...emptyEvent(), durationMs: Number.NaN },
      { ...emptyEvent(), durationMs: Number.POSITIVE_INFINITY, ts: -1 },
      { ...emptyEvent(), user: '', host: '' },
    ];
    const back = unpack(packEvents(odd));
    expect(back).toEqual(odd);
    expect(back[0]).toMatchObject({ status: 0, durationMs: 0 });
    expect(Number.isNaN(back[1]?.durationMs)).toBe(true);
    expect(back[3]).toMatchObject({ user: '', host: '', service: null });
  });

  it('keep text that is not ASCII, and lone surrogates, code unit for code unit', () => {
    const hostile: NewEvent = {
      ...fullEvent(3),
      message: 'café ☕ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u0000 end',
      user: '\ud800 alone',
      raw: 'raw \udfff\n\r\t<script>',
    };
    const events = [fullEvent(1), hostile, fullEvent(4)];
    expect(unpack(packEvents(events))).toEqual(events);
  });

  it('cross a message port with their buffers moved, not copied', () => {
    const events = Array.from({ length: 50 }, (_, i) => fullEvent(i));
    const packed = packEvents(events);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, packedTransfer(packed));
    // Moved: the sender's arrays are now empty.
    expect(packed.lengths.length).toBe(0);
    const received = receiveMessageOnPort(port2)?.message as PackedEvents;
    port1.close();
    expect(unpack(received)).toEqual(events);
  });

  it('an empty batch is empty', () => {
    expect(unpack(packEvents([]))).toEqual([]);
  });
});
