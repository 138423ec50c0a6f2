import { installMocks } from "./harness";

/**
 * Mocha root hooks (loaded by .mocharc.json): the mock runtime is installed once, before any test,
 * never at import time, so no test file's import order can replace another's mocks.
 */
export const mochaHooks = {
    beforeAll(): void {
        installMocks();
    },
};
