// The messages between the page (workerloop.js) and the training worker (trainworker.js): their
// names, fields and constructors in one place, and a check that refuses an unknown or malformed
// message with a sentence saying what is wrong. Both sides check what they receive.
//
// Page → worker:  play {seq, snapshot, sliceMs}  start (or go on) from this snapshot
//                 document {seq, json}           an edit while playing (the run goes on)
//                 pause {}                       stop; the worker answers `paused`
// Worker → page:  ready {}                       the engine is loaded
//                 update {seq, snapshot, result} after each slice of training
//                 paused {seq, snapshot}         the final state after `pause`
//                 failed {message}               an exception (a refused document, a bug)
//                 panic {message}                the engine panicked; the worker is unusable
// `seq` numbers the documents the page sent, so the page knows whether an update already holds
// its latest edit.

const FIELDS = {
  toWorker: {
    play: { seq: 'number', snapshot: 'string', sliceMs: 'number' },
    document: { seq: 'number', json: 'string' },
    pause: {},
  },
  toPage: {
    ready: {},
    update: { seq: 'number', snapshot: 'string', result: 'object' },
    paused: { seq: 'number', snapshot: 'string' },
    failed: { message: 'string' },
    panic: { message: 'string' },
  },
};

/** Messages to the worker. */
export const toWorker = {
  play: (seq, snapshot, sliceMs) => ({ type: 'play', seq, snapshot, sliceMs }),
  document: (seq, json) => ({ type: 'document', seq, json }),
  pause: () => ({ type: 'pause' }),
};

/** Messages to the page. */
export const toPage = {
  ready: () => ({ type: 'ready' }),
  update: (seq, snapshot, result) => ({ type: 'update', seq, snapshot, result }),
  paused: (seq, snapshot) => ({ type: 'paused', seq, snapshot }),
  failed: (message) => ({ type: 'failed', message }),
  panic: (message) => ({ type: 'panic', message }),
};

/**
 * Returns `msg` when it is a well-formed message in direction `dir` ('toWorker' or 'toPage');
 * throws an Error saying what is wrong otherwise.
 */
export function checkMessage(dir, msg) {
  const kinds = FIELDS[dir];
  if (!kinds) throw new Error(`unknown message direction "${dir}"`);
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    throw new Error(`a message must be an object with a type, not ${msg === null ? 'null' : typeof msg}`);
  }
  const fields = Object.hasOwn(kinds, msg.type) ? kinds[msg.type] : null;
  if (!fields) {
    throw new Error(`unknown message type ${JSON.stringify(msg.type)} (expected one of ${Object.keys(kinds).join(', ')})`);
  }
  for (const [name, type] of Object.entries(fields)) {
    const v = msg[name];
    const ok = type === 'number' ? Number.isFinite(v) : type === 'object' ? v !== null && typeof v === 'object' : typeof v === type;
    if (!ok) throw new Error(`message "${msg.type}": field ${name} must be ${type === 'number' ? 'a finite number' : type === 'object' ? 'an object' : 'a string'}`);
  }
  for (const name of Object.keys(msg)) {
    if (name !== 'type' && !Object.hasOwn(fields, name)) throw new Error(`message "${msg.type}": unexpected field ${name}`);
  }
  return msg;
}
