// How much of a value a reader quotes in a reject's reason: enough to recognise it, never a
// whole hostile line.

/** `text`, or its first 60 characters and an ellipsis. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
