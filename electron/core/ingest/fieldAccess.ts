// ECS documents arrive with dotted keys (`"log.level"`, as ecs-logging libraries write them),
// nested objects (`{"log":{"level":…}}`, as Filebeat writes them), or a mix of both.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Each path's ways to split at a dot ([head, rest]), worked out once: an import asks for the
// same few dozen paths of every document, most of them absent, and cutting the strings again
// each time was a good part of reading a document. Bounded, in case paths come from options.
const SPLITS_KEPT = 1000;
const splits = new Map<string, (readonly [string, string])[]>();

function splitsOf(path: string): (readonly [string, string])[] {
  let found = splits.get(path);
  if (found === undefined) {
    found = [];
    for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) {
      found.push([path.slice(0, dot), path.slice(dot + 1)] as const);
    }
    if (splits.size < SPLITS_KEPT) splits.set(path, found);
  }
  return found;
}

/** The value at an ECS field path, whichever way the document spells it. */
export function field(doc: JsonObject, path: string): unknown {
  if (Object.hasOwn(doc, path)) return doc[path];
  for (const [head, rest] of splitsOf(path)) {
    const child = Object.hasOwn(doc, head) ? doc[head] : undefined;
    if (isObject(child)) {
      const found = field(child, rest);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The first of several field paths that is present. */
export function firstField(doc: JsonObject, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = field(doc, path);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

export { isObject };
