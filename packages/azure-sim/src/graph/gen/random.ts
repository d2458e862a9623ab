/** Draws from a seeded stream (see rngFor); kept apart so every generator draws the same way. */
export type Rand = () => number;

export function pick<T>(rand: Rand, items: readonly T[]): T {
  const v = items[Math.floor(rand() * items.length)];
  if (v === undefined) throw new Error("pick from an empty list");
  return v;
}

const EPOCH_2018 = Date.UTC(2018, 0, 1);
const SPAN_MS = Date.UTC(2025, 0, 1) - EPOCH_2018;

/** An ISO timestamp between 2018 and 2025, whole seconds like Graph's. */
export function pastDate(rand: Rand): string {
  return new Date(EPOCH_2018 + Math.floor(rand() * (SPAN_MS / 1000)) * 1000).toISOString().replace(".000Z", "Z");
}

/** A GUID-shaped string from the stream, for values that never need to be looked up. */
export function randomGuid(rand: Rand): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
