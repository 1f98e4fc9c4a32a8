// Builds one Flotilla host: the core services plus a dispatcher serving every contract method.
import { Dispatcher, type AnyHandlers } from './dispatcher';
import { createServices, type Services, type ServicesOptions } from './services';
import { systemHandlers } from './handlers/system';
import { enginesHandlers } from './handlers/engines';
import { labHandlers } from './handlers/lab';
import { swarmHandlers } from './handlers/swarm';
import { explainHandlers } from './handlers/explain';
import { stacksHandlers } from './handlers/stacks';
import { machinesHandlers } from './handlers/machines';
import { terminalsHandlers } from './handlers/terminals';
import { statsHandlers } from './handlers/stats';
import { clusterHandlers } from './handlers/cluster';

export interface Host {
  readonly services: Services;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

export function createHost(opts: ServicesOptions): Host {
  const services = createServices(opts);
  const handlers = {
    ...systemHandlers(services),
    ...enginesHandlers(services),
    ...labHandlers(services),
    ...swarmHandlers(services),
    ...explainHandlers(services),
    ...stacksHandlers(services),
    ...machinesHandlers(services),
    ...terminalsHandlers(services),
    ...statsHandlers(services),
    ...clusterHandlers(services),
  };
  const dispatcher = new Dispatcher(handlers as unknown as AnyHandlers);
  services.setBroadcaster((name, payload) => dispatcher.broadcast(name, payload));
  return { services, dispatcher, close: () => services.close() };
}
