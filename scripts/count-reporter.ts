// Prints one closing line, `N passed, N failed`, so CI can tell a run that executed no test.
import type { Reporter, TestCase, TestModule } from 'vitest/node';

export default class CountReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'passed') this.passed++;
    else if (state === 'failed') this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    // A module that failed to load has no test cases; count it as a failure so it is not hidden.
    const brokenModules = testModules.filter((module) => module.state() === 'failed' && module.children.size === 0).length;
    const failed = this.failed + brokenModules + unhandledErrors.length;
    const skipped = this.skipped > 0 ? `, ${this.skipped} skipped` : '';
    console.log(`\n${this.passed} passed, ${failed} failed${skipped}`);
  }
}
