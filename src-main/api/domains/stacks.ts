// The stacks domain of the contract. Filled in by the stacks work.
export const stacksContract = {};
