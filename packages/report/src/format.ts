// Number formatting shared by the text and HTML renderings.

export function formatRatio(value: number | null): string {
  return value === null ? "n/a" : value < 0.001 && value > 0 ? "<0.1%" : `${(value * 100).toFixed(1)}%`;
}

export function formatCount(value: number | null): string {
  return value === null ? "-" : value.toLocaleString("en-US");
}

/** "saves 93.2%" style: 1 - ratio. */
export function formatSavings(ratio: number | null): string {
  return ratio === null ? "n/a" : `${((1 - ratio) * 100).toFixed(1)}%`;
}
