// How a configuration is named in suite titles and messages: `{alpha: 0.5}`, so each
// configuration of one entry gets a title of its own.

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** `{alpha: 0.5, approximate: 'tanh'}`; `(default options)` for an empty configuration. */
export function formatConfig(config: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(config).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '(default options)';
  return `{${entries.map(([key, value]) => `${key}: ${formatValue(value)}`).join(', ')}}`;
}
