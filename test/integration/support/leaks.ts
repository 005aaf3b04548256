// Looks for secrets where they must never be: the raw bytes of files (stores are binary sqlite
// files; search them as bytes, not text) and strings such as a webview's HTML. A hit is reported
// by place, probe name and offset, with a little masked context: never with the secret itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { middleSlice } from '../../support/sentinels';

/** One string to look for, under a name that can be printed. */
export interface Probe {
  name: string;
  value: string;
}

export interface Leak {
  /** A file path, or a label such as "webview frame 3 (html)". */
  where: string;
  probe: string;
  encoding: 'utf8' | 'utf16le';
  at: number;
  /** The bytes around the hit, with anything that is part of a secret masked. */
  context: string;
}

/** The whole secret and a slice from its middle (a truncated or re-wrapped copy still holds that). */
export function probesFor(name: string, secret: string): Probe[] {
  return [
    { name, value: secret },
    { name: `${name} (middle slice)`, value: middleSlice(secret) },
  ];
}

/** Regular files under `dir`, recursively; symbolic links are not followed. Missing dir: none. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // removed while we walked
      throw e;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Searches each file's raw bytes for every probe, as UTF-8 and as UTF-16LE (browser and sqlite storage). */
export function scanFiles(files: readonly string[], probes: readonly Probe[]): { scanned: number; bytes: number; leaks: Leak[] } {
  const leaks: Leak[] = [];
  let scanned = 0;
  let bytes = 0;
  for (const file of files) {
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // a temporary file gone since the listing
      throw e;
    }
    scanned++;
    bytes += data.length;
    leaks.push(...scanBuffer(file, data, probes));
  }
  return { scanned, bytes, leaks };
}

export function scanText(where: string, text: string, probes: readonly Probe[]): Leak[] {
  return scanBuffer(where, Buffer.from(text, 'utf8'), probes);
}

function scanBuffer(where: string, data: Buffer, probes: readonly Probe[]): Leak[] {
  const leaks: Leak[] = [];
  for (const probe of probes) {
    for (const encoding of ['utf8', 'utf16le'] as const) {
      const needle = Buffer.from(probe.value, encoding);
      const at = data.indexOf(needle);
      if (at >= 0) leaks.push({ where, probe: probe.name, encoding, at, context: masked(data, at, needle.length, encoding, probes) });
    }
  }
  return leaks;
}

/** Up to 60 characters each side of the hit, with every stretch of 4+ characters found in a secret shown as "…". */
function masked(data: Buffer, at: number, length: number, encoding: 'utf8' | 'utf16le', probes: readonly Probe[]): string {
  const unit = encoding === 'utf16le' ? 2 : 1;
  const side = (from: number, to: number) =>
    maskSecrets(
      data
        .subarray(Math.max(0, from), Math.min(data.length, to))
        .toString(encoding === 'utf16le' ? 'utf16le' : 'latin1')
        .replace(/[^\x20-\x7e]/g, '.'),
      probes,
    );
  return `${side(at - 60 * unit, at)}[####]${side(at + length, at + length + 60 * unit)}`;
}

function maskSecrets(text: string, probes: readonly Probe[]): string {
  const hidden = new Array<boolean>(text.length).fill(false);
  for (let i = 0; i < text.length; i++) {
    let k = 0;
    while (i + k < text.length && probes.some((p) => p.value.includes(text.slice(i, i + k + 1)))) k++;
    if (k >= 4) hidden.fill(true, i, i + k);
  }
  let out = '';
  for (let i = 0; i < text.length; i++) out += !hidden[i] ? text[i] : hidden[i - 1] ? '' : '…';
  return out;
}

/** One line per leak, for an assertion message. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `${l.probe} in ${l.where} at byte ${l.at} (${l.encoding}): ${l.context}`).join('\n');
}
