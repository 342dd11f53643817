// The control port's requests and fault names (control.ts serves them), apart from the socket
// code so that `receipt-spool fault --help` knows the names without loading the network layer.
// (A line comment: a doc comment here would document ControlRequest in the API report.)

export interface ControlRequest {
  fault?: string;
  status?: boolean;
  receipts?: boolean;
  mode?: 'wait' | 'discard';
  when?: 'now' | 'next-cut';
  ms?: number;
  offMs?: number;
  high?: boolean;
  /** For `injectGarbage`: hex bytes. */
  hex?: string;
}

export const CONTROL_FAULTS = [
  'paperNearEnd',
  'paperOut',
  'loadPaper',
  'openCover',
  'closeCover',
  'jamCutter',
  'clearCutter',
  'overheat',
  'unrecoverable',
  'setDrawerPin',
  'powerCycle',
  'disconnect',
  'hang',
  'injectGarbage',
] as const;
