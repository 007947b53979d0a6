// Runs one benchmark process (a Node job or the PyTorch script) and reads its result: the JSON
// object on its last stdout line, or why it failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, JobOutput } from './child.js';

const childScript = fileURLToPath(new URL('./child.js', import.meta.url));

/** Spawns `command args` (with `env` added to this process's), kills it after `timeoutSeconds`, and parses its last stdout line. */
export function runProcess<T>(command: string, args: readonly string[], timeoutSeconds: number, env: Readonly<Record<string, string>> = {}): Promise<T | { unavailable: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code === 0) {
          resolve(JSON.parse(last) as T);
          return;
        }
      } catch {
        // fall through: report what the process said
      }
      // The error line, not the trailing "Node.js v20..." that an uncaught exception ends with.
      const lines = stderr.trim().split('\n');
      const error = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.filter((l) => !/^Node\.js v/.test(l)).pop();
      const why = signal === 'SIGKILL' ? `killed after ${timeoutSeconds} s` : (error ?? `exit code ${code}`);
      resolve({ unavailable: `failed: ${why}` });
    });
  });
}

export function runJob(job: Job, timeoutSeconds: number): Promise<JobOutput> {
  return runProcess<JobOutput>(process.execPath, [childScript, JSON.stringify(job)], timeoutSeconds);
}
