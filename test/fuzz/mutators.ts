/**
 * Mutations of a valid manifest, each named for the class of input it produces: YAML syntax
 * damage, wrong types, odd numbers, unicode and control characters, prototype-named keys and
 * variables, deep nesting, alias bombs, duplicate and merge keys, line endings and encodings,
 * long strings, many functions and stages, variable edge cases, names colliding by case.
 * Every mutator is a pure function of its Rng, so a case is reproduced from its seed alone.
 */
import { parse, stringify } from 'yaml';
import type { Rng } from './rng.js';
import type { Seed } from './corpus.js';

export interface FuzzCase {
  readonly mutator: string;
  readonly bytes: Buffer;
  readonly stage: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
}

interface Mutation {
  text?: string;
  bytes?: Buffer;
  vars?: Record<string, string>;
  stage?: string;
}

/** `light`: smaller sizes for the big-input mutators (the slice in `npm test`). */
type Mutator = (rng: Rng, text: string, seed: Seed, light: boolean) => Mutation;
type Doc = Record<string, unknown>;

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every [container, key] of the document (mappings and lists), root first. */
function slots(doc: unknown): Array<[Doc | unknown[], string | number]> {
  const out: Array<[Doc | unknown[], string | number]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        walk(x);
      });
    } else if (isMap(v)) {
      for (const k of Object.keys(v)) {
        out.push([v, k]);
        walk(v[k]);
      }
    }
  };
  walk(doc);
  return out;
}

function mappings(doc: unknown): Doc[] {
  const out: Doc[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isMap(v)) {
      out.push(v);
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

/** Parses, lets `edit` change the data, writes it back; tokens `RAWn` in the output are replaced by raw YAML text. */
function edit(text: string, fn: (doc: Doc, raw: (yaml: string) => string) => void): string {
  const doc = parse(text) as Doc;
  const raws: string[] = [];
  fn(doc, (yaml) => `RAWTOKEN${raws.push(yaml) - 1}X`);
  let out = stringify(doc, { lineWidth: 0 });
  raws.forEach((r, i) => (out = out.replaceAll(`RAWTOKEN${i}X`, r)));
  return out;
}

function setRandom(rng: Rng, doc: Doc, value: unknown): void {
  const all = slots(doc);
  if (!all.length) return;
  const [container, key] = rng.pick(all);
  (container as Record<string | number, unknown>)[key] = value;
}

function lines(text: string): string[] {
  return text.split('\n');
}

const SYNTAX_CHARS = [':', '{', '}', '[', ']', '"', "'", '&', '*', '!', '|', '>', '%', '@', '`', '#', '-', '?', ',', '\t', ' ', '\n', '\\'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001b[31m', '\u001b]0;title\u0007', '\u007f', '\u0085', '\u009b', '\u00a0', '\u2028', '\u2029'];
const UNICODE = ['\u202e', '\u200b', '\ufeff', 'é', 'e\u0301', '日本', '😀', '\u{10ffff}', 'İ', 'ß', 'Ω', '\ufffd'];
const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const NUMBERS = ['1e400', '-1e400', '.inf', '-.inf', '.nan', '.NaN', '0x400', '0o17', '0b101', '1_000', '9007199254740993', '-0', '1e-400', '"1024"', '~', '1024.0', '+12', '007', '1e3', '2.5', '-128', '0', '4294967297'];
const WRONG = [null, true, false, 0, -1, '', 'text', 1.5, [], {}, [1, 2], { a: 1 }, [{ x: null }], 10 ** 30];

function stageOf(rng: Rng, seed: Seed): string {
  return seed.stages.length ? rng.pick(seed.stages) : 'dev';
}

export const mutators: Readonly<Record<string, Mutator>> = {
  'syntax damage'(rng, text) {
    const n = rng.int(1, 4);
    let t = text;
    for (let i = 0; i < n; i++) {
      const at = rng.int(0, t.length);
      const kind = rng.int(0, 4);
      if (kind === 0) t = t.slice(0, at) + rng.pick(SYNTAX_CHARS) + t.slice(at);
      else if (kind === 1) t = t.slice(0, at) + t.slice(at + rng.int(1, 8));
      else if (kind === 2) t = t.slice(0, at);
      else if (kind === 3) {
        const ls = lines(t);
        const l = rng.int(0, ls.length - 1);
        ls[l] = rng.chance(0.5) ? ` ${ls[l]}` : ls[l]!.replace(/^ {1,2}/, '');
        t = ls.join('\n');
      } else {
        const ls = lines(t);
        const l = rng.int(0, ls.length - 1);
        ls.splice(l, 0, ls[l]!);
        t = ls.join('\n');
      }
    }
    return { text: t };
  },
  'wrong types'(rng, text) {
    return { text: edit(text, (doc) => setRandom(rng, doc, structuredClone(rng.pick(WRONG)))) };
  },
  numbers(rng, text) {
    return { text: edit(text, (doc, raw) => setRandom(rng, doc, raw(rng.pick(NUMBERS)))) };
  },
  'control and unicode characters'(rng, text) {
    let t = text;
    for (let i = rng.int(1, 3); i > 0; i--) {
      const at = rng.int(0, t.length);
      t = t.slice(0, at) + rng.pick(rng.chance(0.6) ? CONTROL : UNICODE) + t.slice(at);
    }
    return { text: t };
  },
  'control characters in keys and values'(rng, text) {
    const ch = rng.pick([...CONTROL, ...UNICODE]);
    return {
      text: edit(text, (doc) => {
        const m = rng.pick(mappings(doc));
        if (rng.chance(0.5)) m[`K${ch}x`] = `v${ch}`;
        else setRandom(rng, doc, `a${ch}b`);
      }),
    };
  },
  'prototype names'(rng, text) {
    const name = rng.pick(PROTO);
    return {
      text: edit(text, (doc) => {
        const kind = rng.int(0, 4);
        if (kind === 0) rng.pick(mappings(doc))[name] = rng.pick(WRONG);
        else if (kind === 1 && isMap(doc.functions)) doc.functions[name] = { handler: 'src/handler.handler' };
        else if (kind === 2) setRandom(rng, doc, `\${${rng.pick(['opt', 'env', 'self', 'secret'])}:${name}}`);
        else if (kind === 3) doc.stages = { ...(isMap(doc.stages) ? doc.stages : {}), [name]: {} };
        else setRandom(rng, doc, [name]);
      }),
    };
  },
  'prototype variables'(rng, text) {
    const name = rng.pick(PROTO);
    const ref = rng.pick([`\${opt:${name}}`, `\${env:${name}}`, `\${self:${name}}`, `\${self:functions.${name}}`, `\${self:${name}.x}`, `\${opt:${name}, d}`, `x-\${env:${name}}`]);
    return { text: edit(text, (doc) => setRandom(rng, doc, ref)), vars: rng.chance(0.3) ? { [name]: '512' } : {} };
  },
  'deep nesting'(rng, text) {
    const depth = rng.pick([10, 63, 64, 65, 100, 1000, 5000]);
    const flow = rng.chance(0.5);
    const value = flow ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    return { text: edit(text, (doc, raw) => setRandom(rng, doc, raw(value))) };
  },
  'deep block nesting'(rng, text) {
    const depth = rng.pick([30, 70, 300, 2000]);
    const block = Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n') + ' 1';
    return { text: `${text}\ncustom:\n${block}\n` };
  },
  'alias bomb'(rng, text) {
    const levels = rng.int(3, 12);
    const width = rng.int(2, 10);
    const defs = ['a0: &a0 [x, y, z]'];
    for (let i = 1; i <= levels; i++) defs.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
    const use = rng.pick([`*a${levels}`, `{ <<: *m${levels} }`]);
    const mdefs = use.startsWith('{') ? ['m0: &m0 { q: 1 }', ...Array.from({ length: levels }, (_, i) => `m${i + 1}: &m${i + 1} { <<: [${Array.from({ length: width }, () => `*m${i}`).join(', ')}], k${i}: 1 }`)] : [];
    return { text: edit(text, (doc, raw) => setRandom(rng, doc, raw(use))).replace(/^/, `bomb:\n${[...defs, ...mdefs].map((d) => `  ${d}`).join('\n')}\n`) };
  },
  'alias edge cases'(rng, text) {
    const kind = rng.pick(['*missing', '&self [*self]', '&s { a: *s }', '{ <<: 1 }', '{ <<: [[1]] }', '{ <<: *sc }', '&x 1', '*x', '{ <<: [*mm, *mm] }']);
    return { text: `sc: &sc 1\nmm: &mm { memory: 512 }\n${edit(text, (doc, raw) => setRandom(rng, doc, raw(kind)))}` };
  },
  'duplicate keys'(rng, text) {
    const ls = lines(text);
    const keyLines = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[A-Za-z_][\w-]*:/.test(l));
    if (!keyLines.length) return { text };
    const [l, i] = rng.pick(keyLines);
    ls.splice(i + 1, 0, `${l.match(/^\s*/)![0]}${l.trim().split(':')[0]}: ${rng.pick(['1', 'x', '{}', '[]', ''])}`);
    return { text: ls.join('\n') };
  },
  'merge keys'(rng, text) {
    const base = 'base: &base { memory: 256, timeout: 5, environment: { M: "1" } }\n';
    return {
      text:
        base +
        edit(text, (doc, raw) => {
          const m = rng.pick(mappings(doc));
          m['<<'] = raw(rng.pick(['*base', '[*base, *base]', '{ memory: 128 }', '*base\n']));
        }),
    };
  },
  'line endings and encodings'(rng, text) {
    const kind = rng.int(0, 8);
    if (kind === 0) return { text: text.replace(/\n/g, '\r\n') };
    if (kind === 1) return { text: text.replace(/\n/g, '\r') };
    if (kind === 2) return { text: text.replace(/\n/g, () => rng.pick(['\n', '\r\n', '\r'])) };
    if (kind === 3) return { text: `\ufeff${text}` };
    if (kind === 4) return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) };
    if (kind === 5) return { bytes: Buffer.from(text, 'utf16le').swap16() };
    if (kind === 6) {
      const b = Buffer.from(text);
      b[rng.int(0, b.length - 1)] = rng.pick([0x80, 0xc0, 0xff, 0xfe, 0xed, 0xf5]);
      return { bytes: b };
    }
    if (kind === 7) return { text: `${text}\u0000` };
    return { text: `\ufeff\ufeff${text}` };
  },
  'long strings'(rng, text, _seed, light) {
    const n = rng.pick(light ? [1000, 70_000, 100_001] : [1000, 70_000, 100_001, 1_000_000]);
    const s = rng.pick(['x', 'é', '$', '{']).repeat(n);
    return { text: edit(text, (doc) => (rng.chance(0.5) ? setRandom(rng, doc, s) : (rng.pick(mappings(doc))[s.slice(0, rng.pick([65, 1000, n]))] = 1))) };
  },
  'many functions'(rng, text, _seed, light) {
    const n = rng.pick(light ? [50, 100, 300] : [100, 300, 1000]);
    return {
      text: edit(text, (doc) => {
        const fns = isMap(doc.functions) ? doc.functions : (doc.functions = {});
        const [first] = Object.values(fns);
        for (let i = 0; i < n; i++) fns[`fn${i}`] = structuredClone(first ?? { handler: 'src/handler.handler' });
      }),
    };
  },
  'many stages'(rng, text, _seed, light) {
    const n = rng.pick(light ? [100, 500] : [100, 2000]);
    return {
      text: edit(text, (doc) => {
        const stages = isMap(doc.stages) ? doc.stages : (doc.stages = { dev: {} });
        for (let i = 0; i < n; i++) stages[`s${i}`] = { defaults: { memory: 256 + (i % 4) * 128, environment: { N: `${i}` } } };
      }),
    };
  },
  'self chains'(rng, text) {
    const n = rng.pick([10, 100, 1000, 1500]);
    return {
      text: edit(text, (doc) => {
        const chain: Doc = {};
        for (let i = 0; i < n; i++) chain[`v${i}`] = `\${self:chain.v${i + 1}}`;
        chain[`v${n}`] = rng.chance(0.8) ? '512' : '${self:chain.v0}';
        doc.chain = chain;
        setRandom(rng, doc, '${self:chain.v0}');
      }),
    };
  },
  'nested defaults'(rng, text) {
    const n = rng.pick([10, 100, 1000, 5000]);
    const kind = rng.pick(['env', 'opt']);
    return { text: edit(text, (doc) => setRandom(rng, doc, `${`\${${kind}:X, `.repeat(n)}d${'}'.repeat(n)}`)) };
  },
  'self doubling'(rng, text) {
    const n = rng.pick([10, 20, 30, 40]);
    const list = rng.chance(0.5);
    return {
      text: edit(text, (doc) => {
        const d: Doc = { a0: list ? ['xxxxxxxxxxxxxxxx'] : 'xxxxxxxxxxxxxxxx' };
        for (let i = 1; i <= n; i++) d[`a${i}`] = list ? [`\${self:dbl.a${i - 1}}`, `\${self:dbl.a${i - 1}}`] : `\${self:dbl.a${i - 1}}\${self:dbl.a${i - 1}}`;
        doc.dbl = d;
        setRandom(rng, doc, `\${self:dbl.a${n}}`);
      }),
    };
  },
  'many interpolations'(rng, text, _seed, light) {
    const n = rng.pick(light ? [100, 500] : [100, 2000]);
    return {
      text: edit(text, (doc) => {
        const d: Doc = { big: 'y'.repeat(50_000) };
        for (let i = 0; i < n; i++) d[`s${i}`] = `p-\${self:many.big}-\${stage}`;
        doc.many = d;
      }),
    };
  },
  'variable edge cases'(rng, text, seed) {
    const v = rng.pick([
      '${',
      '${}',
      '${env:}',
      '${opt:}',
      '${self:}',
      '${self:.}',
      '${self:functions..x}',
      '${stage:x}',
      '${stage, d}',
      '${unknown:x}',
      '${env:UNSET}',
      '${env:UNSET, "quoted default"}',
      '${env:UNSET, ${opt:also, ${stage}}}',
      '${opt:memory}',
      '${secret:x}',
      'a ${secret:x}',
      '$${stage}',
      '${self:functions}',
      'x${self:functions}',
      '${self:service}',
      '${self:stages}',
      '${self:defaults.memory}',
      '}${',
      '${env:A}${env:A}${env:A}',
      '${opt:v, }',
      '${ env : PATH }',
    ]);
    const vars: Record<string, string> = rng.chance(0.5) ? { memory: rng.pick(['1024', '0x400', '', 'Infinity', ' 512 ', '1e3', '-0', 'x'.repeat(200_000)]) } : {};
    return { text: edit(text, (doc) => setRandom(rng, doc, v)), vars, stage: rng.chance(0.1) ? rng.pick(['PROD', '', 'a'.repeat(40), 'constructor', '__proto__']) : stageOf(rng, seed) };
  },
  'names colliding by case'(rng, text) {
    return {
      text: edit(text, (doc) => {
        const fns = isMap(doc.functions) ? doc.functions : {};
        const [name] = Object.keys(fns);
        if (!name) return;
        const other = rng.chance(0.5) ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1);
        if (other !== name) fns[other] = structuredClone(fns[name]);
      }),
    };
  },
  'package paths'(rng, text) {
    const bad = rng.pick(['../outside', '/etc', 'missing-dir', 'src/handler.js', '.', '.fnx', 'node_modules', '../../../../etc/passwd', 'sub/../..', 'package.json', 'missing/package.json']);
    return {
      text: edit(text, (doc) => {
        const layers = isMap(doc.layers) ? doc.layers : (doc.layers = {});
        layers.extra = rng.chance(0.5) ? { path: bad } : { from: bad };
        const fns = isMap(doc.functions) ? doc.functions : {};
        const fn = fns[rng.pick(Object.keys(fns).length ? Object.keys(fns) : ['x'])];
        if (isMap(fn)) {
          if (rng.chance(0.7)) fn.layers = ['extra'];
          else fn.package = { include: [rng.pick([bad, `${bad}/**`, '**', '!(', '[z-a]'])] };
        }
      }),
    };
  },
};

export const mutatorNames = Object.keys(mutators);

/** Case `rng` of `seeds`: a seed manifest with one or two mutations. */
export function makeCase(rng: Rng, seeds: readonly Seed[], light = false): FuzzCase {
  const seed = rng.pick(seeds);
  const names: string[] = [];
  let text = seed.text;
  let bytes: Buffer | undefined;
  let vars: Record<string, string> = {};
  let stage = stageOf(rng, seed);
  const rounds = rng.chance(0.2) ? 2 : 1;
  for (let r = 0; r < rounds && bytes === undefined; r++) {
    const name = rng.pick(mutatorNames);
    names.push(name);
    let m: Mutation;
    try {
      m = mutators[name]!(rng, text, seed, light);
    } catch {
      // The previous round left text the YAML library cannot read back: mutate the text as it is.
      m = mutators['syntax damage']!(rng, text, seed, light);
    }
    if (m.bytes) bytes = m.bytes;
    if (m.text !== undefined) text = m.text;
    vars = { ...vars, ...m.vars };
    if (m.stage !== undefined) stage = m.stage;
  }
  return { mutator: names.join(' + '), bytes: bytes ?? Buffer.from(text, 'utf8'), stage, vars, env: seed.env };
}
