/**
 * LaTeX math (as MATH answers write it) → mathjs expression syntax, so that mathjs can evaluate
 * it. Multiplication is made explicit (`2\sqrt{3}x` → `2*sqrt(3)*v_x`: mathjs would read `ab` as
 * one name), single-character arguments are read the TeX way (`\frac43`, `\sqrt2`), and every
 * variable is renamed `v_<name>` so that it can never be taken for a mathjs unit or constant;
 * `e`, `i` and `\pi` stay constants.
 */
export function latexToMathjs(latex: string): string | undefined {
  const reader = new Reader(latex);
  try {
    const out = reader.sequence('');
    return reader.done() && out !== '' ? out : undefined;
  } catch {
    return undefined;
  }
}

/** The prefix of every variable name in the converted expression. */
export const VARIABLE_PREFIX = 'v_';

const FUNCTIONS: Record<string, string> = {
  sin: 'sin', cos: 'cos', tan: 'tan', cot: 'cot', sec: 'sec', csc: 'csc',
  arcsin: 'asin', arccos: 'acos', arctan: 'atan', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh',
  ln: 'log', log: 'log', exp: 'exp',
};
const OPERATORS: Record<string, string> = { cdot: '*', times: '*', ast: '*', div: '/' };
const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'kappa', 'lambda',
  'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'phi', 'varphi', 'chi', 'psi', 'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Omega',
]);
const CLOSING: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

class Unsupported extends Error {}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    this.skipSpaces();
    return this.at >= this.text.length;
  }

  /** Terms and operators up to (not including) one of the `stop` characters or the end. */
  sequence(stop: string): string {
    const parts: string[] = [];
    let afterOperand = false;
    for (;;) {
      this.skipSpaces();
      const ch = this.peek();
      if (ch === undefined || stop.includes(ch)) break;
      if ('+-*/'.includes(ch)) {
        this.at++;
        parts.push(ch);
        afterOperand = false;
      } else if (ch === '^') {
        if (!afterOperand) throw new Unsupported('^ without a base');
        this.at++;
        parts.push(`^(${this.argument()})`);
      } else if (ch === '!') {
        if (!afterOperand) throw new Unsupported('! without an operand');
        this.at++;
        parts.push('!');
      } else if (ch === '\\' && this.commandName() in OPERATORS) {
        parts.push(OPERATORS[this.readCommand()] ?? '*');
        afterOperand = false;
      } else {
        const atom = this.atom();
        if (afterOperand) parts.push('*');
        parts.push(atom);
        afterOperand = true;
      }
    }
    return parts.join('');
  }

  private atom(): string {
    this.skipSpaces();
    const ch = this.peek();
    if (ch === undefined) throw new Unsupported('missing operand');
    const number = /^(?:\d+(?:\.\d+)?|\.\d+)/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return number[0];
    }
    if (/[A-Za-z]/.test(ch)) {
      this.at++;
      return this.variable(ch);
    }
    if (ch in CLOSING) return `(${this.group(ch)})`;
    if (ch === '|') {
      this.at++;
      const inner = this.sequence('|');
      this.expect('|');
      return `abs(${inner})`;
    }
    if (ch === '\\') return this.commandAtom();
    throw new Unsupported(`unexpected ${ch}`);
  }

  private variable(name: string): string {
    const subscript = this.subscript();
    if (subscript === undefined && (name === 'e' || name === 'i')) return name;
    return `${VARIABLE_PREFIX}${name}${subscript === undefined ? '' : `_${subscript}`}`;
  }

  private subscript(): string | undefined {
    if (this.peek() !== '_') return undefined;
    this.at++;
    const sub = this.peek() === '{' ? this.rawGroup() : this.text[this.at++];
    if (sub === undefined || !/^\w+$/.test(sub)) throw new Unsupported('subscript');
    return sub;
  }

  private commandAtom(): string {
    const name = this.readCommand();
    if (name === 'frac') {
      const num = this.argument();
      return `((${num})/(${this.argument()}))`;
    }
    if (name === 'binom' || name === 'dbinom' || name === 'tbinom') {
      const n = this.argument();
      return `combinations(${n},${this.argument()})`;
    }
    if (name === 'sqrt') {
      this.skipSpaces();
      if (this.peek() === '[') {
        const index = this.group('[');
        return `nthRoot(${this.argument()},${index})`;
      }
      return `sqrt(${this.argument()})`;
    }
    if (name === 'pi') return 'pi';
    if (name === 'infty') return 'Infinity';
    if (GREEK.has(name)) return `${VARIABLE_PREFIX}${name}`;
    const fn = FUNCTIONS[name];
    if (fn !== undefined) return this.functionCall(name, fn);
    throw new Unsupported(`\\${name}`);
  }

  /** `\sin x`, `\sin^2(2x)`, `\log_2 8`: the argument is a group or the run of operands after the name. */
  private functionCall(name: string, fn: string): string {
    this.skipSpaces();
    let base: string | undefined;
    if (name === 'log' && this.peek() === '_') {
      this.at++;
      base = this.argument();
    }
    this.skipSpaces();
    let power: string | undefined;
    if (this.peek() === '^') {
      this.at++;
      power = this.argument();
    }
    this.skipSpaces();
    const ch = this.peek();
    let arg: string;
    if (ch !== undefined && ch in CLOSING) arg = this.group(ch);
    else {
      const operands: string[] = [this.atom()];
      while (/[\w.]/.test(this.peek() ?? '')) operands.push(this.atom());
      arg = operands.join('*');
    }
    const call = base === undefined ? `${fn}(${arg})` : `log(${arg},${base})`;
    return power === undefined ? call : `(${call})^(${power})`;
  }

  /** A TeX argument: a braced group, one command atom, or one character. */
  private argument(): string {
    this.skipSpaces();
    const ch = this.peek();
    if (ch === '{') return this.group('{');
    if (ch === '\\') return this.commandAtom();
    if (ch !== undefined && /[0-9A-Za-z]/.test(ch)) {
      this.at++;
      return /[A-Za-z]/.test(ch) ? this.variable(ch) : ch;
    }
    throw new Unsupported('missing argument');
  }

  private group(open: string): string {
    const close = CLOSING[open] ?? '';
    this.expect(open);
    const inner = this.sequence(close);
    this.expect(close);
    if (inner === '') throw new Unsupported('empty group');
    return inner;
  }

  private rawGroup(): string {
    this.expect('{');
    const end = this.text.indexOf('}', this.at);
    if (end < 0) throw new Unsupported('unclosed group');
    const inner = this.text.slice(this.at, end);
    this.at = end + 1;
    return inner;
  }

  private commandName(): string {
    return /^\\([A-Za-z]+|.)/.exec(this.text.slice(this.at))?.[1] ?? '';
  }

  private readCommand(): string {
    const name = this.commandName();
    this.at += name.length + 1;
    return name;
  }

  private expect(ch: string): void {
    this.skipSpaces();
    if (this.peek() !== ch) throw new Unsupported(`expected ${ch}`);
    this.at++;
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.at++;
  }
}
