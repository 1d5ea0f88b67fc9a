// The Vinoshipper-number alias of an order workflow: it holds nothing but its own id
// (`vinoshipper-order:<shop>:<number>`) and a memo naming the order's workflow, so the API can route
// a Vinoshipper webhook to its order with one `describe` — strongly consistent, unlike a visibility
// query, and so never missing the first webhook after submission. It costs no timers and no
// activities. Started and released by the order's activities (activities/order-alias.ts).
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

const releaseAliasSignal = defineSignal('release');

export async function vinoshipperOrderAliasWorkflow(): Promise<void> {
  let released = false;
  setHandler(releaseAliasSignal, () => {
    released = true;
  });
  await condition(() => released);
}
