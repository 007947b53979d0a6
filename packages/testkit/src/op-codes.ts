// Op codes a backend mirrors between TypeScript and its native source (a C enum, AssemblyScript
// constants): read from the source text and compared with the TypeScript table and with
// @keel/tensor's op table, so any drift — a reordered enum, an op renamed on one side — fails a test.

/** `IS_FINITE` → `isFinite`, `MAX_POOL_GRAD` → `maxPoolGrad`. */
export function camelCase(constant: string): string {
  return constant.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The codes of the C enum in `source` whose first member is `first` (`enum { NEG, ABS, ... }`), by
 * camelCase name; a trailing `*_COUNT` member is not a code. Throws if there is no such enum.
 */
export function cEnumCodes(source: string, first: string): Record<string, number> {
  const enums = [...source.matchAll(/enum\s*\{([^}]*)\}/g)].map((match) => match[1].split(',').map((member) => member.trim()).filter((member) => member !== ''));
  const members = enums.find((list) => list[0] === first);
  if (members === undefined) throw new Error(`cEnumCodes: no enum starting with ${first} in the source`);
  const codes: Record<string, number> = {};
  members.forEach((member, index) => {
    if (/=/.test(member)) throw new Error(`cEnumCodes: enum member '${member}' sets its value; the codes are positions`);
    if (!member.endsWith('_COUNT')) codes[camelCase(member)] = index;
  });
  return codes;
}

/**
 * The codes of consecutive `const NAME = n;` declarations (exported or not) in `source`, starting
 * at `first` and ending at the first line that is neither one of them nor a one-line comment (a
 * blank line ends the block), by camelCase name. Throws if `first` is not declared.
 */
export function constantCodes(source: string, first: string): Record<string, number> {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\s*(export\\s+)?const\\s+${first}\\s*=`).test(line));
  if (start < 0) throw new Error(`constantCodes: no constant ${first} in the source`);
  const codes: Record<string, number> = {};
  for (const line of lines.slice(start)) {
    if (/^\s*(\/\/.*|\/\*\*.*\*\/)\s*$/.test(line)) continue; // a one-line comment between constants
    const match = /^\s*(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*=\s*(\d+)\s*;/.exec(line);
    if (match === null) break;
    codes[camelCase(match[1])] = Number(match[2]);
  }
  return codes;
}

/**
 * What differs between the codes TypeScript sends (`typescript`) and the codes the native source
 * declares (`native`), and names in them that are neither ops of the family (`ops`, from
 * @keel/tensor's op table) nor declared helper codes (`helpers`, e.g. 'copy'). Empty when in sync.
 */
export function opCodeDrift(
  family: string,
  typescript: Readonly<Record<string, number>>,
  native: Readonly<Record<string, number>>,
  ops: readonly string[],
  helpers: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  for (const [name, code] of Object.entries(typescript)) {
    if (!(name in native)) problems.push(`${family}: '${name}' (code ${code} in TypeScript) is not in the native source`);
    else if (native[name] !== code) problems.push(`${family}: '${name}' is code ${code} in TypeScript but ${native[name]} in the native source`);
  }
  for (const [name, code] of Object.entries(native)) {
    if (!(name in typescript)) problems.push(`${family}: '${name}' (code ${code} in the native source) is not in TypeScript`);
  }
  for (const name of new Set([...Object.keys(typescript), ...Object.keys(native)])) {
    if (!ops.includes(name) && !helpers.includes(name)) problems.push(`${family}: '${name}' is not an op of the table (${ops.join(', ')}) nor a helper code`);
  }
  return problems;
}
