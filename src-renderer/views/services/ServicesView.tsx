// The Services view: the services of the chosen swarm (live from the cluster model), a Create service
// form, and a detail page per service. Other views open a detail page with useNav().open({view:'services', serviceId}).
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useNav } from '../../stores/nav';
import { ViewHeader } from '../../components/ViewHeader';
import { useCoarseNow, useLiveCluster } from '../../stores/cluster';
import { LostSources, SwarmPicker, clusterGate } from '../../components/cluster';
import { ServiceList } from './ServiceList';
import { CreateServiceForm } from './CreateServiceForm';
import { ServiceDetail } from './ServiceDetail';
import './services.css';

type Page = { kind: 'list' } | { kind: 'create' } | { kind: 'detail'; serviceId: string };

export function ServicesView(): ReactElement {
  const live = useLiveCluster();
  const now = useCoarseNow(10_000);
  const [page, setPage] = useState<Page>({ kind: 'list' });
  const intent = useNav((s) => s.intent);

  // "open this service" from another view (the board's cards, stacks, logs)
  useEffect(() => {
    const i = useNav.getState().take('services');
    if (i) setPage({ kind: 'detail', serviceId: i.serviceId });
  }, [intent]);

  const engineId = live.target.engineId;
  // a swarm switch leaves the pages of the old one (not the first render nor
  // the engines' first listing: a detail asked for by another view stays)
  const shownEngine = useRef(engineId);
  useEffect(() => {
    const before = shownEngine.current;
    shownEngine.current = engineId;
    if (before === undefined || before === engineId) return;
    setPage((p) => (p.kind === 'detail' ? { kind: 'list' } : p));
  }, [engineId]);

  const gate = clusterGate(live, 'this list');
  let body: ReactElement;
  if (gate) body = gate;
  else if (page.kind === 'create' && engineId)
    body = <CreateServiceForm engineId={engineId} onCancel={() => setPage({ kind: 'list' })} onCreated={(id) => setPage({ kind: 'detail', serviceId: id })} />;
  else if (page.kind === 'detail' && engineId)
    body = <ServiceDetail engineId={engineId} serviceId={page.serviceId} model={live.cluster.model} now={now} onBack={() => setPage({ kind: 'list' })} />;
  else body = <ServiceList model={live.cluster.model} now={now} onOpen={(id) => setPage({ kind: 'detail', serviceId: id })} onCreate={() => setPage({ kind: 'create' })} />;

  return (
    <>
      <ViewHeader
        title="Services"
        sub={live.engineName ? `swarm via ${live.engineName}` : undefined}
        actions={
          <>
            <SwarmPicker live={live} />
            {!gate && page.kind !== 'create' && (
              <button className="btn primary" onClick={() => setPage({ kind: 'create' })} data-testid="create-service" title="Create a service (N)">
                Create service
              </button>
            )}
          </>
        }
      />
      <div className="view-body services-body">
        {!gate && <LostSources lost={live.lost} lostAt={live.cluster.lostAt} />}
        {body}
      </div>
    </>
  );
}
