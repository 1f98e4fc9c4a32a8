// The swarm domain of the contract. Filled in by the swarm work.
export const swarmContract = {};
