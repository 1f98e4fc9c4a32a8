// The board's filters (the cluster model it draws is in stores/cluster).

export interface BoardFilters {
  stack: string; // '' = all
  service: string; // '' = all (service id)
  text: string;
  runningOnly: boolean;
}

export const NO_FILTERS: BoardFilters = { stack: '', service: '', text: '', runningOnly: false };
