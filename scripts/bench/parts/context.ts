import type { BenchOptions } from '../options';
import type { Built, StackChoice } from '../processes';

export interface PartContext {
  options: BenchOptions;
  built: Built;
  choice: StackChoice;
  /** Progress for the person watching (stderr). */
  log: (message: string) => void;
}

/** The order workflows of the bench's shop (every stack uses the default shop domain). */
export const ORDER_QUERY = 'WorkflowType="orderWorkflow"';
