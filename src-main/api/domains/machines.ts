// The machines domain of the contract. Filled in by the machines work.
export const machinesContract = {};
