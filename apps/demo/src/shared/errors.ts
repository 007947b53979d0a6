// Errors are shown, never swallowed: anything thrown and not handled ends up in the page's error
// banner (and in data-error, for the tests), with the message the library wrote.

let banner: HTMLElement | undefined;

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

/** Shows `error` in the banner (`context` says what was being done). */
export function showError(context: string, error: unknown): void {
  const text = `${context}: ${messageOf(error)}`;
  console.error(text, error);
  if (banner === undefined) return;
  banner.hidden = false;
  banner.querySelector('.error-text')!.textContent = text;
  banner.dataset.error = text;
}

/** Hides the banner (after the user fixed what went wrong). */
export function clearError(): void {
  if (banner === undefined) return;
  banner.hidden = true;
  delete banner.dataset.error;
}

/** Wires the page's error banner and catches everything unhandled. */
export function installErrorBanner(element: HTMLElement): void {
  banner = element;
  element.querySelector('button')?.addEventListener('click', clearError);
  window.addEventListener('error', (event) => showError('Unexpected error', event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => showError('Unexpected error', event.reason));
}
