/** One `$filter` clause the simulator understands: `prop eq 'v'` or `prop ge|gt|le|lt value`. */
export interface Clause {
  readonly prop: string;
  readonly op: "eq" | "ge" | "gt" | "le" | "lt";
  readonly value: string;
}

const CLAUSE = /^\s*([A-Za-z]+)\s+(eq|ge|gt|le|lt)\s+('(?:[^']|'')*'|[0-9TZ:.+-]+)\s*$/;

/** Clauses joined by `and`; undefined when any clause is outside `allowed` or malformed. */
export function parseFilter(raw: string | null, allowed: Readonly<Record<string, readonly Clause["op"][]>>): Clause[] | undefined {
  if (raw === null || raw.trim() === "") return [];
  const out: Clause[] = [];
  for (const part of raw.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(part);
    if (!m) return undefined;
    const [, prop, op, lit] = m as unknown as [string, string, Clause["op"], string];
    if (!allowed[prop]?.includes(op)) return undefined;
    const value = lit.startsWith("'") ? lit.slice(1, -1).replace(/''/g, "'") : lit;
    out.push({ prop, op, value });
  }
  return out;
}

/** The object satisfies every clause (dates compare as instants). */
export function matches(obj: Record<string, unknown>, clauses: readonly Clause[]): boolean {
  return clauses.every(({ prop, op, value }) => {
    const v = obj[prop];
    if (op === "eq") return v === value;
    const a = Date.parse(String(v));
    const b = Date.parse(value);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return op === "ge" ? a >= b : op === "gt" ? a > b : op === "le" ? a <= b : a < b;
  });
}
