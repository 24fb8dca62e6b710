// The preload with Electron replaced: `window.coalmine` is the API plus one subscription, the
// Export menu's, which passes on a known format only and can be unsubscribed.
import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, MENU_EXPORT_CHANNEL } from '../../shared/api.js';

const fake = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, unknown>>(),
  listeners: new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (name: string, value: Record<string, unknown>) => fake.exposed.set(name, value),
  },
  ipcRenderer: {
    invoke: () => Promise.resolve({ ok: true, value: null }),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      const set = fake.listeners.get(channel) ?? new Set();
      set.add(listener);
      fake.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      fake.listeners.get(channel)?.delete(listener),
  },
}));

await import('../../electron/preload/index.js');

const emit = (...args: unknown[]) => {
  for (const listener of fake.listeners.get(MENU_EXPORT_CHANNEL) ?? []) listener({ sender: 'ipc' }, ...args);
};

describe('preload', () => {
  it('exposes one object: a function per API method and the Export menu subscription, nothing else', () => {
    expect([...fake.exposed.keys()]).toEqual(['coalmine']);
    const bridge = fake.exposed.get('coalmine') ?? {};
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'onMenuExport'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('passes the menu’s format on, never the IPC event, and stops when unsubscribed', () => {
    const onMenuExport = fake.exposed.get('coalmine')?.onMenuExport as (l: (...a: unknown[]) => void) => () => void;
    const heard: unknown[][] = [];
    const unsubscribe = onMenuExport((...args) => heard.push(args));
    emit('pdf');
    emit('exe');
    emit({ toString: () => 'md' });
    expect(heard).toEqual([['pdf']]);
    unsubscribe();
    emit('md');
    expect(heard).toEqual([['pdf']]);
    expect(fake.listeners.get(MENU_EXPORT_CHANNEL)?.size).toBe(0);
  });
});
