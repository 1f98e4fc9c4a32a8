import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, useUi } from './stores/ui';
import { guardDrops } from './components/drop-guard';
import './styles.css';
import './cluster-styles.css';

applyTheme(useUi.getState().theme); // before the first paint, so a dark theme does not flash light
guardDrops(document); // a dropped file or link never navigates away from Flotilla
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
