// Shopify sends money as decimal strings ("29.99"; GraphQL may say "29.0"). cellarhand only syncs USD
// shops (Vinoshipper ships within the US), so whole cents are exact and float arithmetic is never used.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "29.9" → 2990. Throws on anything that is not a plain decimal string. */
export function toCents(amount: string): number {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return sign ? -cents : cents;
}

/** 2990 → "29.90", the REST shape. */
export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One spelling for the same amount whichever API it came from ("29.0" and "29.00" → "29.00"). */
export function normalizeMoney(amount: string): string {
  return fromCents(toCents(amount));
}
