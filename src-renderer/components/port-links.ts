// Where a published port answers: a port on the routing mesh (ingress) on every node of the swarm that is up;
// a host-mode port only on the nodes running one of the service's tasks. Structural inputs, so any view's
// model (the board's, the contract's) can be passed.

export interface PortIn {
  published?: number;
  target: number;
  protocol: string;
  mode: string;
}
export interface NodeIn {
  id: string;
  hostname: string;
  addr?: string;
  status: string;
}
export interface TaskIn {
  serviceId: string;
  nodeId?: string;
  state: string;
  desiredState?: string;
}

export interface PortLink {
  url: string;
  node: string;
}
export interface PortRow {
  port: PortIn;
  /** the links (tcp ports only: a browser cannot open udp or sctp) */
  links: PortLink[];
  /** why there is no link, when there is none */
  why?: string;
}

const host = (addr: string): string => (addr.includes(':') ? `[${addr}]` : addr);

export function portRows(service: { id: string; ports?: PortIn[] }, nodes: readonly NodeIn[], tasks: readonly TaskIn[]): PortRow[] {
  return (service.ports ?? []).map((port) => {
    if (port.published === undefined) return { port, links: [], why: 'not published' };
    if (port.protocol !== 'tcp') return { port, links: [], why: `${port.protocol}: no browser link` };
    const scheme = port.published === 443 ? 'https' : 'http';
    const link = (n: NodeIn): PortLink[] => (n.addr ? [{ url: `${scheme}://${host(n.addr)}:${port.published}/`, node: n.hostname }] : []);
    if (port.mode === 'host') {
      const on = new Set(tasks.filter((t) => t.serviceId === service.id && t.state === 'running' && t.nodeId).map((t) => t.nodeId as string));
      const links = nodes.filter((n) => on.has(n.id)).flatMap(link);
      return { port, links, ...(links.length ? {} : { why: 'no task running: a host-mode port answers only where a task runs' }) };
    }
    const links = nodes.filter((n) => n.status === 'ready').flatMap(link);
    return { port, links, ...(links.length ? {} : { why: 'no node is up' }) };
  });
}
