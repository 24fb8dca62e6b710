// ECS documents arrive with dotted keys (`"log.level"`, as ecs-logging libraries write them),
// nested objects (`{"log":{"level":…}}`, as Filebeat writes them), or a mix of both.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at an ECS field path, whichever way the document spells it. */
export function field(doc: JsonObject, path: string): unknown {
  if (Object.hasOwn(doc, path)) return doc[path];
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    const child = Object.hasOwn(doc, head) ? doc[head] : undefined;
    if (isObject(child)) {
      const found = field(child, path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf('.', dot + 1);
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
