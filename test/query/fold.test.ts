import { describe, expect, it } from "vitest";
import { fold } from "../../src/query/evaluate.js";
import { valueStem } from "../../src/query/index-keys.js";

const perCharacter = (s: string): string => Array.from(s, (c) => c.toLowerCase()).join("");

describe("case folding for filters and index stems", () => {
  it("folds ASCII and non-ASCII strings one character at a time, so a prefix folds to a prefix", () => {
    for (const s of ["Alex.Wilber@Contoso.COM", "", "\u0000Tab\tX", "ΟΔΟΣ", "Ωmega İstanbul", "Straße ÄÖÜ", "😀 Émile"]) expect(fold(s)).toBe(perCharacter(s));
    // The whole-string rule would end the word with a final sigma (ς), which the prefix "ΟΔΟ" + "Σ…" never folds to.
    expect(fold("ΟΔΟΣ")).toBe("οδοσ");
    expect("ΟΔΟΣ".toLowerCase()).toBe("οδος");
  });

  it("cuts a stem at 200 code points, whole below that, never inside a surrogate pair", () => {
    expect(valueStem("A".repeat(200))).toBe(`v${"a".repeat(200)}`);
    expect(valueStem("A".repeat(250))).toBe(`v${"a".repeat(200)}`);
    // 150 emoji are 300 code units but 150 code points: whole.
    expect(valueStem("😀".repeat(150))).toBe(`v${"😀".repeat(150)}`);
    expect(valueStem("😀".repeat(250))).toBe(`v${"😀".repeat(200)}`);
  });
});
