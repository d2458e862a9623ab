import { createToken, EmbeddedActionsParser, EOF, Lexer, type IToken, type TokenType } from "chevrotain";
import { FilterError, type Expr, type Literal } from "./ast.js";

/**
 * The filter grammar, a subset of OData's (docs.oasis-open.org, OData v4.01
 * URL conventions, "Built-in Filter Operations"):
 *
 *   filter     := or EOF
 *   or         := and ("or" and)*
 *   and        := primary ("and" primary)*
 *   primary    := "(" or ")" | "startswith" "(" name "," string ")" | name comparison
 *   comparison := ("eq" | "ne") literal | "in" "(" literal ("," literal)* ")"
 *               | "/" "any" "(" name ":" name "eq" string ")"
 *   literal    := string | "true" | "false" | "null"
 *
 * A string is single-quoted, a quote inside doubled (`'O''Neil'`). Keywords
 * are lower case, as in OData; `startsWith` is also taken, as Graph's docs
 * spell it.
 */
const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string, pattern: RegExp): TokenType => createToken({ name, pattern, longer_alt: Identifier });
const And = keyword("And", /and/);
const Or = keyword("Or", /or/);
const Eq = keyword("Eq", /eq/);
const Ne = keyword("Ne", /ne/);
const In = keyword("In", /in/);
const Any = keyword("Any", /any/);
const StartsWith = keyword("StartsWith", /startswith|startsWith/);
const True = keyword("True", /true/);
const False = keyword("False", /false/);
const Null = keyword("Null", /null/);
const StringLiteral = createToken({ name: "StringLiteral", pattern: /'(?:[^']|'')*'/ });
const LParen = createToken({ name: "LParen", pattern: /\(/ });
const RParen = createToken({ name: "RParen", pattern: /\)/ });
const Comma = createToken({ name: "Comma", pattern: /,/ });
const Slash = createToken({ name: "Slash", pattern: /\// });
const Colon = createToken({ name: "Colon", pattern: /:/ });
const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

const TOKENS = [WhiteSpace, StringLiteral, LParen, RParen, Comma, Slash, Colon, And, Or, Eq, Ne, In, Any, StartsWith, True, False, Null, Identifier];
const lexer = new Lexer(TOKENS, { positionTracking: "onlyOffset", ensureOptimizations: false });

const unquote = (image: string): string => image.slice(1, -1).replace(/''/g, "'");

class FilterParser extends EmbeddedActionsParser {
  constructor() {
    super(TOKENS, { maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly filter = this.RULE("filter", (): Expr => {
    const e = this.SUBRULE(this.orExpr);
    this.CONSUME(EOF);
    return e;
  });

  private readonly orExpr = this.RULE("orExpr", (): Expr => {
    const items: Expr[] = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(Or);
      items.push(this.SUBRULE2(this.andExpr));
    });
    return items.length === 1 ? items[0]! : { kind: "or", items };
  });

  private readonly andExpr = this.RULE("andExpr", (): Expr => {
    const items: Expr[] = [this.SUBRULE(this.primary)];
    this.MANY(() => {
      this.CONSUME(And);
      items.push(this.SUBRULE2(this.primary));
    });
    return items.length === 1 ? items[0]! : { kind: "and", items };
  });

  private readonly primary = this.RULE("primary", (): Expr => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          const e = this.SUBRULE(this.orExpr);
          this.CONSUME(RParen);
          return e;
        },
      },
      {
        ALT: () => {
          const at = this.CONSUME(StartsWith).startOffset;
          this.CONSUME2(LParen);
          const prop = this.CONSUME(Identifier).image;
          this.CONSUME(Comma);
          const value = this.CONSUME(StringLiteral).image;
          this.CONSUME2(RParen);
          return this.ACTION((): Expr => ({ kind: "startswith", prop, value: unquote(value), at }));
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private readonly comparison = this.RULE("comparison", (): Expr => {
    const name = this.CONSUME2(Identifier);
    const prop = name.image;
    const at = name.startOffset;
    return this.OR([
      {
        ALT: () => {
          const op = this.OR2([{ ALT: () => this.CONSUME(Eq) }, { ALT: () => this.CONSUME(Ne) }]);
          const value = this.SUBRULE(this.literal);
          return this.ACTION((): Expr => ({ kind: op.tokenType === Eq ? "eq" : "ne", prop, value, at }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(In);
          this.CONSUME(LParen);
          const values: Literal[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => values.push(this.SUBRULE2(this.literal)) });
          this.CONSUME(RParen);
          return { kind: "in" as const, prop, values, at };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Slash);
          this.CONSUME(Any);
          this.CONSUME2(LParen);
          const variable = this.CONSUME3(Identifier);
          this.CONSUME(Colon);
          const used = this.CONSUME4(Identifier);
          this.CONSUME2(Eq);
          const value = this.CONSUME(StringLiteral).image;
          this.CONSUME2(RParen);
          return this.ACTION((): Expr => {
            if (used.image !== variable.image) throw new FilterError("InvalidFilter", `Unknown name '${used.image}' at position ${used.startOffset}: the lambda variable is '${variable.image}'.`);
            return { kind: "any", prop, value: unquote(value), at };
          });
        },
      },
    ]);
  });

  private readonly literal = this.RULE("literal", (): Literal => {
    return this.OR<Literal>([
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          return this.ACTION(() => unquote(t.image));
        },
      },
      { ALT: () => (this.CONSUME(True), true) },
      { ALT: () => (this.CONSUME(False), false) },
      { ALT: () => (this.CONSUME(Null), null) },
    ]);
  });
}

// One instance: building a parser analyses the grammar; parsing is synchronous, so it is never shared mid-parse.
const parser = new FilterParser();

export const MAX_DEPTH = 32;

const shown = (t: IToken): string => (t.tokenType === EOF ? "end of the filter" : `'${t.image.slice(0, 40)}'`);

/** Parses a filter, or throws a FilterError naming the position (0-based characters). */
export function parseFilter(text: string): Expr {
  const lexed = lexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad) {
    const quote = text[bad.offset] === "'";
    throw new FilterError("InvalidFilter", quote ? `Unterminated string at position ${bad.offset}.` : `Unexpected character '${text.slice(bad.offset, bad.offset + 1)}' at position ${bad.offset}.`);
  }
  // Parentheses nest at most this deep: the parser recurses per level.
  let depth = 0;
  for (const t of lexed.tokens) {
    depth += t.tokenType === LParen ? 1 : t.tokenType === RParen ? -1 : 0;
    if (depth > MAX_DEPTH) throw new FilterError("InvalidFilter", `Parentheses nest deeper than ${MAX_DEPTH} at position ${t.startOffset}.`);
  }
  parser.input = lexed.tokens;
  const expr = parser.filter();
  const err = parser.errors[0];
  if (err) {
    // The end-of-input token has no offset of its own.
    const at = err.token.tokenType !== EOF && err.token.startOffset >= 0 ? err.token.startOffset : text.length;
    throw new FilterError("InvalidFilter", `Unexpected ${shown(err.token)} at position ${at}.`);
  }
  return expr;
}
