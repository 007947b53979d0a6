// `keel <command> [options]`: dispatch, --help, --version, and one-line errors.
import { nearestId } from '@keel/registry';
import { benchCommand } from './commands/bench.js';
import { doctorCommand } from './commands/doctor.js';
import { evalCommand } from './commands/eval.js';
import { lrFindCommand } from './commands/lr-find.js';
import { pluginsCommand } from './commands/plugins.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { parseCommandFlags, prepare, type Command } from './common.js';
import { EXIT, exitCodeOf, oneLine, usageError } from './errors.js';
import { commandHelp, mainHelp } from './help.js';
import { processIo, type Io } from './output.js';
import { VERSION } from './version.js';

export const commands: readonly Command[] = [trainCommand, evalCommand, predictCommand, doctorCommand, lrFindCommand, benchCommand, pluginsCommand];

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command !== undefined) return command;
  const names = [...commands.map((c) => c.name), 'help'];
  const nearest = nearestId(name, names);
  throw usageError(`unknown command '${name}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`} commands: ${names.join(', ')} (see 'keel --help')`);
}

/** Runs the CLI; resolves to the exit code. Errors are printed as one line (with the stack under --verbose). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      io.stdout.write(mainHelp(commands));
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '--version' || first === '-v' || first === '-V') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (first === 'help') {
      io.stdout.write(rest[0] === undefined ? mainHelp(commands) : commandHelp(findCommand(rest[0])));
      return EXIT.ok;
    }
    if (first.startsWith('-')) throw usageError(`expected a command before ${first}; commands: ${commands.map((c) => c.name).join(', ')} (see 'keel --help')`);
    const command = findCommand(first);
    const flags = parseCommandFlags(command, rest);
    if (flags.boolean('help')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(flags, await prepare(flags, io));
  } catch (error) {
    io.stderr.write(`keel: ${oneLine(error)}\n`);
    if (verbose && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}
