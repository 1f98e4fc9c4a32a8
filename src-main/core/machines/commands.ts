// The machine verbs, for the contract handlers (the CLI reaches them through those: docker-machine's whole command set).
export { createMachine, followAddress, provisionMachine, removeMachine, powerMachine, regenerateCerts, upgradeMachine, sshTargetOf, tlsFilesOf } from './lifecycle';
export { listMachines, inspectMachine, machineIp, machineUrlOf, machineConfigFlags, machineEnv, activeMachine, machineDockerVersion, machineState } from './queries';
export { machineSsh, machineScp, interactiveSshArgv } from './remote';
export { swarmMembers } from './one-click';
export { importDockerMachines } from './import';
export { createMachineSwarm, removeMachineSwarm } from './one-click';
export { resizeMachine } from './resize';
