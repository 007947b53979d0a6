import { engine } from '../engine.js';

/** Runs `fn` without recording gradients (inference, parameter updates, metrics). */
export function noGrad<T>(fn: () => T): T {
  const previous = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = previous;
  }
}

/** Runs `fn` with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const previous = engine.gradEnabled;
  engine.gradEnabled = true;
  try {
    return fn();
  } finally {
    engine.gradEnabled = previous;
  }
}

export function isGradEnabled(): boolean {
  return engine.gradEnabled;
}

/** Runs `fn` inside a named scope (a layer's name); ops, hooks and errors report it. */
export function withScope<T>(name: string, fn: () => T): T {
  engine.pushScope(name);
  try {
    return fn();
  } finally {
    engine.popScope();
  }
}
