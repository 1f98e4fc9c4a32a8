// The machine verbs, for the contract handlers and the CLI (docker-machine's whole command set).
export { createMachine, provisionMachine, removeMachine, powerMachine, regenerateCerts, upgradeMachine, sshTargetOf, tlsFilesOf, type CreateOptions, type PowerVerb } from './lifecycle';
export { listMachines, inspectMachine, machineIp, machineUrlOf, machineConfigFlags, machineEnv, activeMachine, machineDockerVersion, machineState, machineUrl, type MachineInspect } from './queries';
export { machineSsh, machineScp, parseScpArg, interactiveSshArgv } from './remote';
export { swarmMembers } from './one-click';
export { importDockerMachines, type ImportResult } from './import';
export { createMachineSwarm, removeMachineSwarm, swarmMachineNames } from './one-click';
