// Group colours and point shapes from the theme's chart palette (--vscode-charts-*), so points are
// readable in light, dark and high-contrast themes; more groups than colours get another shape too.
import type { PointStyle } from 'chart.js';

const PALETTE_VARS = ['charts-blue', 'charts-orange', 'charts-green', 'charts-red', 'charts-purple', 'charts-yellow'];
const FALLBACK = ['#1a85ff', '#d18616', '#388a34', '#e51400', '#652d90', '#bf8803'];
const SHAPES: PointStyle[] = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star'];
const GLYPHS: Record<string, string> = { circle: '●', triangle: '▲', rect: '■', rectRot: '◆', crossRot: '✕', star: '★' };

export interface GroupLook {
  colour: string;
  shape: PointStyle;
  glyph: string;
}

export function themeVar(name: string, fallback = ''): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-${name}`).trim();
  return v || fallback;
}

export function groupLook(i: number): GroupLook {
  const colour = themeVar(PALETTE_VARS[i % PALETTE_VARS.length] ?? 'charts-blue', FALLBACK[i % FALLBACK.length]);
  const shape = SHAPES[Math.floor(i / PALETTE_VARS.length) % SHAPES.length] ?? 'circle';
  return { colour, shape, glyph: GLYPHS[String(shape)] ?? '●' };
}

/** `colour` with an alpha (hex colours; anything else is returned as it is). */
export function withAlpha(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{3,8})$/i.exec(colour);
  if (!m?.[1]) return colour;
  let hex = m[1];
  if (hex.length === 3 || hex.length === 4) hex = [...hex].map((c) => c + c).join('');
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `rgba(${n(0)}, ${n(2)}, ${n(4)}, ${alpha})`;
}
