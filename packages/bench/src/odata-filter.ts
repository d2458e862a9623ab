/**
 * A small evaluator for the Table service's $filter dialect, as much as the
 * fake table transport needs: comparisons (eq ne gt ge lt le) of a property
 * with a string, number or boolean literal, `and`, `or`, `not` and
 * parentheses. As in the service, a comparison with a property the row does
 * not have is false (so `scan ne 'x'` does not match a row without `scan`).
 */

type Literal = string | number | boolean;
type Node =
  | { readonly k: "cmp"; readonly prop: string; readonly op: string; readonly value: Literal }
  | { readonly k: "and" | "or"; readonly a: Node; readonly b: Node }
  | { readonly k: "not"; readonly a: Node }
  | { readonly k: "true" };

const OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
    } else if (c === "(" || c === ")") {
      out.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      let v = "";
      for (;;) {
        if (j >= s.length) throw new Error(`unterminated string in filter: ${s}`);
        if (s[j] === "'") {
          if (s[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += s[j];
        j++;
      }
      // A leading quote marks the token as a string literal.
      out.push(`'${v}`);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && !" \t\n()'".includes(s[j]!)) j++;
      // datetime'…' (a Timestamp bound): compared as its text, which the fake writes with seven fractional digits as the service does.
      if (s.slice(i, j) === "datetime" && s[j] === "'") {
        i = j;
        continue;
      }
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function parseFilter(filter: string): Node {
  const t = tokenize(filter);
  let p = 0;
  const peek = () => t[p];
  const next = () => {
    const v = t[p++];
    if (v === undefined) throw new Error(`filter ends early: ${filter}`);
    return v;
  };
  const literal = (tok: string): Literal => {
    if (tok.startsWith("'")) return tok.slice(1);
    if (tok === "true" || tok === "false") return tok === "true";
    const n = Number(tok.replace(/L$/, ""));
    if (Number.isFinite(n)) return n;
    throw new Error(`unsupported literal ${tok} in filter: ${filter}`);
  };
  const unary = (): Node => {
    const tok = next();
    if (tok === "not") return { k: "not", a: unary() };
    if (tok === "(") {
      const e = or();
      if (next() !== ")") throw new Error(`unbalanced parentheses in filter: ${filter}`);
      return e;
    }
    const op = next();
    if (!OPS.has(op)) throw new Error(`unsupported operator ${op} in filter: ${filter}`);
    return { k: "cmp", prop: tok, op, value: literal(next()) };
  };
  const and = (): Node => {
    let a = unary();
    while (peek() === "and") {
      p++;
      a = { k: "and", a, b: unary() };
    }
    return a;
  };
  const or = (): Node => {
    let a = and();
    while (peek() === "or") {
      p++;
      a = { k: "or", a, b: and() };
    }
    return a;
  };
  if (t.length === 0) return { k: "true" };
  const e = or();
  if (p !== t.length) throw new Error(`trailing tokens in filter: ${filter}`);
  return e;
}

export function matches(n: Node, row: Readonly<Record<string, unknown>>): boolean {
  switch (n.k) {
    case "true":
      return true;
    case "and":
      return matches(n.a, row) && matches(n.b, row);
    case "or":
      return matches(n.a, row) || matches(n.b, row);
    case "not":
      return !matches(n.a, row);
    case "cmp": {
      const v = row[n.prop];
      if (v === undefined || v === null) return false;
      if (typeof v !== typeof n.value) return false;
      const a = v as Literal;
      const b = n.value;
      switch (n.op) {
        case "eq":
          return a === b;
        case "ne":
          return a !== b;
        case "gt":
          return a > b;
        case "ge":
          return a >= b;
        case "lt":
          return a < b;
        default:
          return a <= b;
      }
    }
  }
}

/** Values a filter pins `prop` to with `eq` anywhere in it (a superset of the matching rows' values, for lookups). */
export function pinned(n: Node, prop: string): string[] | undefined {
  // Only when the filter is "… and (prop eq x or prop eq y …)" or "prop eq x": then every match has one of these values.
  if (n.k === "cmp") return n.prop === prop && n.op === "eq" && typeof n.value === "string" ? [n.value] : undefined;
  if (n.k === "and") return pinned(n.a, prop) ?? pinned(n.b, prop);
  if (n.k === "or") {
    const a = pinned(n.a, prop);
    const b = pinned(n.b, prop);
    return a && b ? [...a, ...b] : undefined;
  }
  return undefined;
}
