/**
 * Numbers for people: every one with its unit, as many digits as the measurement carries, a true
 * minus sign, and thousands separated by commas whatever the machine's locale.
 */

const MINUS = '−';

/** 1234567.8 → "1,234,568" (decimals 0); locale-independent. */
export function grouped(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.') as [string, string | undefined];
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? MINUS : '';
  return `${sign}${withCommas}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/**
 * Latency to three significant digits, whole milliseconds from 1,000 up: 0.0480 ms, 0.480 ms,
 * 3.90 ms, 19.4 ms, 336 ms, 2,590 ms. Zeros are kept: "20.0" beside "19.4" reads as a measurement,
 * "20" as a rounding.
 */
export function ms(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 ms';
  if (abs >= 1000) return `${grouped(value)} ms`;
  const text = value.toPrecision(3);
  return `${text.includes('e') ? String(Number(text)) : text.replace('-', '−')} ms`;
}

/** Samples per second: "2,083/s", "9.6/s". */
export function perSecond(value: number): string {
  return value < 10 ? `${value.toFixed(1)}/s` : `${grouped(value)}/s`;
}

/** Megabytes: "1,210 MB", "8.4 MB". */
export function megabytes(value: number): string {
  return Math.abs(value) < 10 ? `${value.toFixed(1)} MB` : `${grouped(value)} MB`;
}

/** Percentage points, two decimals: "0.42 pp", "−0.10 pp". */
export function pp(value: number): string {
  return `${grouped(value, 2)} pp`;
}

/** A fraction as a percentage: 0.7598 → "75.98%". */
export function fractionPct(fraction: number, decimals = 2): string {
  return `${grouped(fraction * 100, decimals)}%`;
}

/** A percentage: 2.3 → "2.3%", 5 → "5%". Small values keep a second digit: 0.45 → "0.45%". */
export function pct(value: number): string {
  const abs = Math.abs(value);
  if (Number(abs.toFixed(2)) === 0) return '0%';
  return `${grouped(value, abs > 0 && abs < 1 ? 2 : 1).replace(/\.0$/, '')}%`;
}

/** A change with its sign: "+12.3%", "−1.1%", "±0.0%". */
export function signedPct(value: number): string {
  const text = pct(value);
  if (text.startsWith(MINUS)) return text;
  return Number(value.toFixed(2)) === 0 ? `±${text}` : `+${text}`;
}

/** A difference in percentage points with its sign: "+0.40 pp", "−1.20 pp". */
export function signedPp(value: number): string {
  const text = pp(value);
  return text.startsWith(MINUS) || Number(value.toFixed(2)) === 0 ? text : `+${text}`;
}

/** A ratio: 1.8234 → "1.82x". */
export function ratio(value: number): string {
  return `${value.toFixed(value >= 10 ? 1 : 2)}x`;
}

/** A count: 5000 → "5,000". */
export function count(value: number): string {
  return grouped(value);
}

/** Shortens free text (an error message) to one line of at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
