/**
 * Log lines built from directory data (a displayName, a Graph message) must
 * stay one line that says what it seems to say. These are escaped as \uXXXX:
 * C0 and C1 controls (CR, LF, ESC that starts an ANSI sequence, CSI U+009B),
 * DEL, the line and paragraph separators, the bidi marks, embeddings,
 * overrides and isolates (Unicode UAX #9; "Trojan Source", CVE-2021-42574),
 * and lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** A value for a log line, with every unsafe character visible as \uXXXX. */
export function logText(value: string): string {
  return value.replace(UNSAFE, escape);
}

/**
 * Fields as JSON for a log line. JSON.stringify escapes C0 controls and lone
 * surrogates already; the rest of the set is escaped too, which is still JSON
 * that parses to the same strings.
 */
export function logJson(fields: object): string {
  return JSON.stringify(fields).replace(UNSAFE, escape);
}
