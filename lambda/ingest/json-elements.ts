/**
 * Splits a large JSON text into the elements of its event list, chunk by chunk, without ever
 * holding more than one element: `{"Records": [ … ]}` (trail logs, Event history downloads),
 * `{"Events": [ … ]}` (`lookup-events` output) and top-level arrays. Each element is handed
 * over as its own text, wrapped back in its list's shape, so the core reads it as before.
 */

/** The keys whose list is read element by element; any other value is passed over. */
const LIST_KEYS = new Set(['Records', 'Events']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export interface JsonElement {
  /** The list the element came from (`Records`, `Events`), or null for a top-level array. */
  readonly key: string | null;
  readonly text: string;
}

export class JsonElementSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The depth elements sit at while inside a list that is read; null outside one. */
  private elementDepth: number | null = null;
  private listKey: string | null = null;
  /** The last string seen directly in the top-level object: the key of the value that follows. */
  private lastKey: string | null = null;
  private keyParts: string[] | null = null;
  private keyStart = -1;
  private topIsObject = false;
  private inElement = false;
  /** Whether the element is a string or a bare value (number, true, null), not an object or array. */
  private scalar = false;
  private parts: string[] = [];
  private partsLength = 0;
  private start = -1;
  /** Elements over this many characters are skipped and reported. */
  constructor(private readonly maxElementChars = 64 * 1024 * 1024) {}

  /** Elements seen so far, oversized ones included. */
  elements = 0;
  /** Elements skipped because they were larger than the bound. */
  oversized = 0;

  /** The elements that end in `chunk`. */
  push(chunk: string): JsonElement[] {
    const out: JsonElement[] = [];
    this.start = this.inElement ? 0 : -1;
    if (this.keyParts) this.keyStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) {
          this.inString = false;
          if (this.keyParts) {
            this.keyParts.push(chunk.slice(this.keyStart, i));
            this.lastKey = this.keyParts.join('');
            this.keyParts = null;
          }
          if (this.inElement && this.scalar && this.depth === this.elementDepth)
            this.finish(chunk, i + 1, out);
        }
        continue;
      }
      if (this.inElement && this.scalar && this.depth === this.elementDepth && !this.inString) {
        // A bare value ends at the separator.
        if (code === COMMA || code === CLOSE_BRACKET || isSpace(code)) this.finish(chunk, i, out);
      }
      if (code === QUOTE) {
        this.inString = true;
        if (this.elementDepth !== null && this.depth === this.elementDepth && !this.inElement) {
          this.begin(i, true);
        } else if (this.topIsObject && this.depth === 1 && this.elementDepth === null) {
          this.keyParts = [];
          this.keyStart = i + 1;
        }
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (this.elementDepth !== null && this.depth === this.elementDepth && !this.inElement)
          this.begin(i, false);
        if (this.depth === 0) this.topIsObject = code === OPEN_BRACE;
        this.depth++;
        if (code === OPEN_BRACKET && this.elementDepth === null) {
          if (this.depth === 1) {
            this.elementDepth = 1;
            this.listKey = null;
          } else if (
            this.depth === 2 &&
            this.topIsObject &&
            this.lastKey !== null &&
            LIST_KEYS.has(this.lastKey)
          ) {
            this.elementDepth = 2;
            this.listKey = this.lastKey;
          }
        }
        continue;
      }
      if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.depth--;
        if (this.inElement && !this.scalar && this.depth === this.elementDepth)
          this.finish(chunk, i + 1, out);
        else if (this.elementDepth !== null && this.depth < this.elementDepth) this.elementDepth = null;
        continue;
      }
      if (
        this.elementDepth !== null &&
        this.depth === this.elementDepth &&
        !this.inElement &&
        code !== COMMA &&
        !isSpace(code)
      )
        this.begin(i, true);
    }
    if (this.inElement && this.start >= 0) this.keep(chunk.slice(this.start));
    if (this.keyParts) this.keyParts.push(chunk.slice(this.keyStart));
    return out;
  }

  /** Whether the text so far ended inside a list element or a string: the input was cut short. */
  get unfinished(): boolean {
    return this.inElement || this.inString || this.depth > 0;
  }

  private begin(at: number, scalar: boolean): void {
    this.inElement = true;
    this.scalar = scalar;
    this.start = at;
    this.parts = [];
    this.partsLength = 0;
  }

  private keep(text: string): void {
    if (this.partsLength > this.maxElementChars) return;
    this.parts.push(text);
    this.partsLength += text.length;
  }

  private finish(chunk: string, end: number, out: JsonElement[]): void {
    this.keep(chunk.slice(this.start, end));
    this.elements++;
    if (this.partsLength > this.maxElementChars) this.oversized++;
    else out.push({ key: this.listKey, text: this.parts.join('') });
    this.inElement = false;
    this.scalar = false;
    this.parts = [];
    this.partsLength = 0;
    this.start = -1;
  }
}
