// The reward-spec text grammar (docs/rewards.md#reward-specs):
//
//   spec     := sum
//   sum      := ['-'] term (('+' | '-') term)*
//   term     := number '*' call | number | call
//   call     := name [':' variant] ['(' [arg (',' arg)*] ')']
//   arg      := key '=' value
//   value    := number | true | false | null | "json string" | 'string' | '[' [value (',' value)*] ']' | bareword
//
// e.g. `0.5*math + 0.5*format:boxed`, `simplerl:independent(formatPenalty=-1)`, `dapo - 0.1*length(max=8192)`.
// This file only parses; the registry checks names and configs.
import { ErrorCode, LensError } from '../../shared/errors';
import type { JsonValue } from './types';

export interface RawTerm {
  fn: string;
  weight: number;
  variant?: string;
  args: Record<string, JsonValue>;
  /** Where the term starts in the text, for messages. */
  position: number;
}

export interface RawSpec {
  terms: RawTerm[];
  constant: number;
}

const NUMBER = /[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/y;
// A hyphen joins words only ("gui-g1"); "math-0.5*length" needs spaces: "math - 0.5*length".
const NAME = /[a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*/y;
const VARIANT = /[A-Za-z0-9_.-]+/y;
const KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
const BAREWORD = /[^\s,()[\]"'=]+/y;
const JSON_STRING = /"(?:[^"\\]|\\.)*"/y;
const SINGLE_STRING = /'[^']*'/y;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string, at = this.pos): never {
    const shown = this.text.length > 120 ? `${this.text.slice(0, 117)}…` : this.text;
    throw new LensError(
      ErrorCode.BadInput,
      `reward spec ${JSON.stringify(shown)}: ${what} at position ${at + 1}` +
        (at < this.text.length ? ` (near ${JSON.stringify(this.text.slice(at, at + 12))})` : ' (at the end)'),
      { position: at + 1, spec: this.text },
    );
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    this.ws();
    return this.text[this.pos];
  }

  private eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  parse(): RawSpec {
    const spec: RawSpec = { terms: [], constant: 0 };
    let sign = this.eat('-') ? -1 : 1;
    for (;;) {
      this.term(sign, spec);
      const next = this.peek();
      if (next === undefined) break;
      if (next === '+' || next === '-') {
        this.pos++;
        sign = next === '-' ? -1 : 1;
        continue;
      }
      this.fail(`expected "+", "-" or the end of the spec`);
    }
    if (spec.terms.length === 0) this.fail('a spec needs at least one reward function, not only a constant', 0);
    return spec;
  }

  private term(sign: number, spec: RawSpec): void {
    this.ws();
    const start = this.pos;
    const num = this.match(NUMBER);
    if (num !== null) {
      if (!this.eat('*')) {
        spec.constant += sign * Number(num);
        return;
      }
      this.ws();
    }
    const weight = sign * (num === null ? 1 : Number(num));
    const name = this.match(NAME);
    if (name === null)
      this.fail(num === null ? 'expected a reward function name or a number' : 'expected a reward function name after "*"');
    const term: RawTerm = { fn: name, weight, args: {}, position: start + 1 };
    if (this.text[this.pos] === ':') {
      this.pos++;
      const v = this.match(VARIANT);
      if (v === null) this.fail(`expected a variant name after "${name}:"`);
      term.variant = v;
    }
    if (this.eat('(')) {
      if (!this.eat(')')) {
        do this.arg(term);
        while (this.eat(','));
        if (!this.eat(')')) this.fail(`expected "," or ")" in the arguments of ${name}`);
      }
    }
    spec.terms.push(term);
  }

  private arg(term: RawTerm): void {
    this.ws();
    const at = this.pos;
    const key = this.match(KEY);
    if (key === null) this.fail(`expected an argument name in ${term.fn}(…)`);
    if (key in term.args) this.fail(`argument ${key} given twice`, at);
    if (!this.eat('=')) this.fail(`expected "=" after ${key}`);
    term.args[key] = this.value();
  }

  private value(): JsonValue {
    this.ws();
    const at = this.pos;
    if (this.eat('[')) {
      const list: JsonValue[] = [];
      if (this.eat(']')) return list;
      do list.push(this.value());
      while (this.eat(','));
      if (!this.eat(']')) this.fail('expected "," or "]" in a list');
      return list;
    }
    const js = this.match(JSON_STRING);
    if (js !== null) {
      try {
        return JSON.parse(js) as string;
      } catch {
        this.fail('bad escape in a quoted string', at);
      }
    }
    const ss = this.match(SINGLE_STRING);
    if (ss !== null) return ss.slice(1, -1);
    if (this.text[this.pos] === '"' || this.text[this.pos] === "'") this.fail('unterminated string');
    const signed = this.text[this.pos] === '-' || this.text[this.pos] === '+' ? this.text[this.pos++] : '';
    const word = this.match(BAREWORD);
    if (word === null) this.fail('expected a value');
    const full = signed + word;
    if (/^[+-]?(?:[0-9]*\.?[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(full)) return Number(full);
    if (full === 'true') return true;
    if (full === 'false') return false;
    if (full === 'null') return null;
    return full;
  }
}

/** Parses the text form of a reward spec; throws a LensError naming the position of the first problem. */
export function parseSpecText(text: string): RawSpec {
  if (text.trim() === '') throw new LensError(ErrorCode.BadInput, 'reward spec is empty: name a reward function, e.g. "math"');
  return new Parser(text).parse();
}
