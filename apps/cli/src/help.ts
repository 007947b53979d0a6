// `keel --help` and `keel <command> --help`.
import type { FlagSpec } from './args.js';
import { COMMON_FLAGS, type Command } from './common.js';
import { VERSION } from './version.js';

function flagLines(flags: readonly FlagSpec[]): string[] {
  const left = flags.map((f) => `${f.short === undefined ? '    ' : `-${f.short}, `}--${f.name}${f.type === 'boolean' ? '' : ` <${f.value ?? f.type}>`}`);
  const width = Math.max(...left.map((l) => l.length));
  return flags.map((f, i) => `  ${left[i].padEnd(width)}  ${f.description}`);
}

export function commandHelp(command: Command): string {
  return [
    `keel ${command.name}: ${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...flagLines(command.flags),
    '',
    'Common options:',
    ...flagLines(COMMON_FLAGS),
    ...(command.details === undefined ? [] : ['', command.details]),
    '',
  ].join('\n');
}

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `keel ${VERSION}: train and use Keel neural networks from the command line`,
    '',
    'Usage: keel <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Examples:',
    '  keel train xor',
    '  keel train mnist --out models/mnist',
    '  keel train mnist --model cnn --epochs 2',
    '  keel eval --model models/mnist',
    '  keel predict --model models/mnist digit.png',
    '  keel doctor mnist --loss mse --init uniform:minval=0,maxval=1 --lr 1',
    '  keel lr-find mnist --plot lr.svg',
    '  keel bench --quick',
    '  keel plugins',
    '',
    "Run 'keel <command> --help' for a command's options; 'keel --version' prints the version.",
    '',
  ].join('\n');
}
