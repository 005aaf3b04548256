import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError, type ParseErrorCode } from 'jsonc-parser';

/** Parsed JSON text that can tell the line and column of any JSON pointer. */
export interface LocatedJson {
  value: unknown;
  syntaxErrors: { message: string; line: number; column: number }[];
  locate(pointer: string, key?: boolean): { line: number; column: number };
  /** Where the value at a pointer starts and ends (see spanOf); a missing value: its nearest parent. */
  span(pointer: string): TextSpan;
  /** Whether the text holds a value at the pointer. */
  has(pointer: string): boolean;
}

/** A range of text: 1-based lines and columns, the end exclusive. */
export interface TextSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** jsonc-parser's error codes, in words a person reads. */
const PARSE_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character (names and strings need double quotes)',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon after the property name',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

export function parseErrorText(code: ParseErrorCode): string {
  return PARSE_ERRORS[printParseErrorCode(code)] ?? 'invalid JSON';
}

export function parseLocated(text: string): LocatedJson {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  // a missing property is reported at its parent
  const nearest = (pointer: string): Node | undefined => {
    if (!tree) return undefined;
    const segments = pointerSegments(pointer);
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, segments.slice(0, n));
      if (node) return node;
    }
    return tree;
  };
  return {
    value: tree ? nodeValue(tree) : undefined,
    syntaxErrors: errors.map((e) => ({ message: parseErrorText(e.error), ...position(e.offset) })),
    locate(pointer, key = false) {
      if (!tree) return { line: 1, column: 1 };
      const segments = pointerSegments(pointer);
      // walk up until a node exists (a missing property is reported at its parent)
      for (let n = segments.length; n >= 0; n--) {
        const node = findNodeAtLocation(tree, segments.slice(0, n));
        if (node) {
          const target = key && n === segments.length && node.parent?.type === 'property' ? node.parent : node;
          return position(target.offset);
        }
      }
      return position(tree.offset);
    },
    span(pointer) {
      const node = nearest(pointer);
      if (!node) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
      const [start, end] = spanOf(node, text, lineStarts);
      const a = position(start);
      const b = position(end);
      return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    },
    has(pointer) {
      return !!tree && findNodeAtLocation(tree, pointerSegments(pointer)) !== undefined;
    },
  };
}

/**
 * Offsets a value is marked with: the value when it fits on one line; else its property's name
 * (`"settings"`), or its first line (an array element), so a mark never covers half the file.
 */
function spanOf(node: Node, text: string, lineStarts: number[]): [number, number] {
  const end = node.offset + node.length;
  const nextLine = lineStarts.find((s) => s > node.offset);
  if (nextLine === undefined || end < nextLine) return [node.offset, end];
  const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  if (key) return [key.offset, key.offset + key.length];
  const eol = text[nextLine - 2] === '\r' ? nextLine - 2 : nextLine - 1;
  return [node.offset, Math.max(node.offset + 1, eol)];
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) out[String(k.value)] = nodeValue(v);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
