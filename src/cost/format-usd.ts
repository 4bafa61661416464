/**
 * An amount of US dollars for a message, with enough digits to show it: cents for larger sums
 * (`$20.00`), four significant digits below a dollar (`$0.05123`), and never rounded to zero
 * (`$0.0000001` for a 1e-7 limit, where `toFixed(6)` would print `$0.000000`).
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return `$${String(value)}`;
  if (value === 0) return '$0.00';
  const magnitude = Math.abs(value);
  const decimals = Math.max(2, Math.ceil(-Math.log10(magnitude)) + 3);
  if (decimals > 20) return `$${value.toPrecision(4)}`;
  let digits = magnitude.toFixed(decimals);
  // Trailing zeros past the cents say nothing: `0.0500` → `0.05`, `0.0000001000` → `0.0000001`.
  while (digits.endsWith('0') && digits.length - digits.indexOf('.') - 1 > 2) digits = digits.slice(0, -1);
  return `${value < 0 ? '-' : ''}$${digits}`;
}
