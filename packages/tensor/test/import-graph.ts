// The runtime import graph of a source tree, read statically: what `import ... from` and
// `export ... from` statements load when the compiled JavaScript runs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under `dir` (declarations excluded), as absolute paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

// `import type` / `export type` are erased; anything else stays a runtime edge (with
// verbatimModuleSyntax even `import { type A } from` compiles to `import {} from`, which loads the module).
const STATEMENT = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;

/** The relative modules `file` loads at run time, as absolute .ts paths. */
export function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  const found: string[] = [];
  for (const match of text.matchAll(STATEMENT)) {
    const specifier = match[4] ?? match[5];
    if (match[2] !== undefined || !specifier.startsWith('.')) continue;
    found.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
  }
  return found;
}

/** The import cycles among `files` (strongly connected components of more than one module, or a module importing itself). */
export function importCycles(files: readonly string[], root: string): string[][] {
  const graph = new Map(files.map((file) => [file, runtimeImports(file).filter((to) => files.includes(to))]));
  // Tarjan's algorithm
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.map((file) => relative(root, file)).sort());
    }
  };
  for (const file of files) if (!indices.has(file)) visit(file);
  return cycles;
}
