// Which colour is which service in whole-stack logs: the same colours as the Board's legend.
import type { ReactElement } from 'react';
import { serviceColor } from '../../components/format';

export function StackLegend({ services }: { services: string[] }): ReactElement {
  return (
    <div className="log-legend" data-testid="stack-legend" aria-label="service colours">
      {services.map((name) => (
        <span key={name} className="log-legend-item" data-service={name}>
          <span className="log-legend-swatch" style={{ background: serviceColor(name) }} aria-hidden="true" />
          {name}
        </span>
      ))}
    </div>
  );
}
