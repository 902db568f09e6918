// Root hooks. The shared app and database are started by the first test that asks for them
// (test/support/context.ts registers how to stop them), so domain-only runs never start one.
const registry = globalThis as { __stopTestContext?: () => Promise<void> };

export const mochaHooks = {
  async afterAll() {
    await registry.__stopTestContext?.();
  },
};
