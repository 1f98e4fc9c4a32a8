/** Where the `electron` package put its binary (ELECTRON_EXEC_PATH overrides), or undefined where its download was skipped. */
export function electronBinary(root: string): string | undefined;
