/** A stored or Graph scalar as text; anything else (absent, null, an object) is the fallback. */
export function textOf(v: unknown, fallback = ""): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return fallback;
}
