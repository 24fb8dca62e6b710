// The service thread's entry (serviceThread.ts starts it): opens the case, runs every API call
// through `dispatch` (so input from the untrusted renderer is parsed here, by the method's
// schema, before anything reads it), and asks the hosting thread for what only it can do.
import { parentPort, workerData } from 'node:worker_threads';
import { CoalmineError } from '../../shared/errors.js';
import { type CaseDb, closeCase, openCase, useSqliteNativeBinding } from './case/caseStore.js';
import { ensureDemoCase } from './demo/demoCase.js';
import type { FilePicker } from './importJobs.js';
import { type OpenCase, type ServiceHost, createService, dispatch } from './service.js';
import type { FromServiceWorker, HostRequestName, ServiceWorkerData, ToServiceWorker } from './serviceThread.js';
import { useWorkerEntryDir } from './workerEntry.js';

const port = parentPort;
if (!port) throw new Error('serviceWorker.js runs as a worker thread only');
const data = workerData as ServiceWorkerData;
const post = (message: FromServiceWorker): void => port.postMessage(message);

if (data.sqliteBinding) useSqliteNativeBinding(data.sqliteBinding);
useWorkerEntryDir(data.workerEntryDir);

const waitingHost = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextHostId = 1;

function askHost(name: HostRequestName, args: unknown): Promise<unknown> {
  const id = nextHostId++;
  return new Promise((resolve, reject) => {
    waitingHost.set(id, { resolve, reject });
    post({ type: 'host', id, name, args });
  });
}

/** The case being served: the service opens another through `chooseCase`, and closes this one. */
let active: OpenCase;

const host: ServiceHost = {};
if (data.hostCan.chooseCase) {
  host.chooseCase = async ({ readOnly }) => {
    const chosen = (await askHost('chooseCase', { readOnly })) as string | null;
    if (chosen === null) return null;
    active = { path: chosen, db: openCase(chosen, { readOnly }), readOnly };
    return active;
  };
}
if (data.hostCan.pickFiles) host.pickFiles = (() => askHost('pickFiles', null)) as FilePicker;
if (data.hostCan.printPdf) {
  host.printPdf = async (html: string) => Buffer.from((await askHost('printPdf', html)) as Uint8Array);
}

async function openServed(): Promise<OpenCase> {
  const { served } = data;
  if (served.kind === 'demo') {
    const db = await ensureDemoCase(served.path, served.logsDir);
    if (!served.readOnly) return { path: served.path, db, readOnly: false };
    // `--read-only` on the demo: the auditor's view of it, once it exists.
    closeCase(db);
    return { path: served.path, db: openCase(served.path, { readOnly: true }), readOnly: true };
  }
  const db: CaseDb = openCase(served.path, { readOnly: served.readOnly, create: served.create });
  return { path: served.path, db, readOnly: served.readOnly };
}

try {
  active = await openServed();
} catch (error) {
  post({
    type: 'startFailed',
    error:
      error instanceof CoalmineError
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: `the case could not be opened (${(error as Error).message})` },
  });
  port.close();
  process.exit(1);
}

const service = createService(active, host);
port.on('message', (message: ToServiceWorker) => {
  switch (message.type) {
    case 'call':
      void dispatch(service, message.method, message.input).then((envelope) =>
        post({ type: 'result', id: message.id, envelope }),
      );
      break;
    case 'hostReply': {
      const waiting = waitingHost.get(message.id);
      waitingHost.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new CoalmineError(message.error.code, message.error.message));
      break;
    }
    case 'close':
      // A running import or pull ends with the case; its source is marked incomplete (it can be redone).
      closeCase(active.db);
      post({ type: 'closed' });
      port.close();
      break;
  }
});
post({ type: 'ready' });
