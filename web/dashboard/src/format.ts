// Number and text formatting, with units. A missing figure is an en dash, never "null" or "NaN".

export const DASH = '–';

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? DASH : intFormat.format(n);
}

export function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n)
    ? DASH
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A token amount: an integer decimal string of any size, grouped by thousands without going through a float. */
export function amount(value: string | null | undefined): string {
  if (value === null || value === undefined || !/^\d+$/.test(value)) return value ?? DASH;
  return value.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An amount as a float for drawing (bar lengths); exactness does not matter there. */
export function amountValue(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

export function percent(fraction: number | null | undefined, digits = 1): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? DASH : `${fixed(fraction * 100, digits)} %`;
}

export function ms(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : `${int(n)} ms`;
}

export function seconds(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return n < 10 ? `${fixed(n, 2)} s` : n < 1000 ? `${fixed(n, 1)} s` : `${int(n)} s`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${int(value)} B` : `${fixed(value, value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Compute units are floating-point (or modular) operations: 2·m·k·n for a product. */
export function flop(units: number | null | undefined): string {
  if (units === null || units === undefined || !Number.isFinite(units)) return DASH;
  const scales: [number, string][] = [[1e15, 'PFLOP'], [1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1e3, 'kFLOP']];
  for (const [scale, unit] of scales) {
    if (units >= scale) return `${fixed(units / scale, units / scale < 100 ? 2 : 1)} ${unit}`;
  }
  return `${int(units)} FLOP`;
}

export function gflop(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : `${fixed(n, n < 100 ? 2 : 1)} GFLOP`;
}

/** Long hashes and addresses shortened to their recognisable ends; the full value goes in a title. */
export function short(value: string | null | undefined, head = 10, tail = 6): string {
  if (!value) return DASH;
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  const d = new Date(ms);
  return d.toLocaleTimeString('en-GB', { hour12: false }) + `.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 10)} ${time(ms)}`;
}

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return DASH;
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 1) return 'just now';
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${fixed(s / 3600, 1)} h ago`;
}
