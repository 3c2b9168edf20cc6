// Exact decimal arithmetic on the wire's decimal strings (BigInt units at a scale): price steps must be
// whole multiples of the tick size, which floats cannot decide (0.3 / 0.1 is not 3 in binary).

const pattern = /^(\d+)(?:\.(\d+))?$/;

/** "12.50" -> { units: 1250n, scale: 2 }; null when not a non-negative plain decimal. */
export function parseDecimal(text) {
  const m = pattern.exec(String(text).trim());
  if (!m) {
    return null;
  }
  const fraction = m[2] ?? "";
  return { units: BigInt(m[1] + fraction), scale: fraction.length };
}

/** Units of a parsed decimal at a larger (or equal) scale. */
function atScale(d, scale) {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** { units: 1250n, scale: 2 } -> "12.50" (keeps the scale, as the server formats prices). */
export function formatDecimal(units, scale) {
  const digits = units.toString().padStart(scale + 1, "0");
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** tick x n, at the tick's scale: multiply("0.01", 10) -> "0.10". */
export function multiply(tick, n) {
  const t = parseDecimal(tick);
  return formatDecimal(t.units * BigInt(n), t.scale);
}

/**
 * Checks a price step against the tick size. Returns { step } normalised to the tick's scale
 * ("10" with tick "0.01" -> "10.00"), or { error } saying why it is not a positive whole multiple.
 */
export function checkStep(text, tick) {
  const s = parseDecimal(text);
  const t = parseDecimal(tick);
  if (!s || !t) {
    return { error: `step '${text}' is not a decimal number` };
  }
  const scale = Math.max(s.scale, t.scale);
  const stepUnits = atScale(s, scale);
  const tickUnits = atScale(t, scale);
  if (stepUnits === 0n || stepUnits % tickUnits !== 0n) {
    return { error: `step '${text}' is not a positive whole multiple of the tick size ${tick}` };
  }
  return { step: formatDecimal((stepUnits / tickUnits) * t.units, t.scale) };
}

/** Whether a >= n x b exactly, for decimal strings; false when b is zero (no finite ratio) or either is not a decimal. */
export function atLeastTimes(a, b, n) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y || y.units === 0n) {
    return false;
  }
  const scale = Math.max(x.scale, y.scale);
  return atScale(x, scale) >= BigInt(n) * atScale(y, scale);
}

/** Digits after the point, for the chart's price format. */
export function decimals(text) {
  return parseDecimal(text)?.scale ?? 2;
}
