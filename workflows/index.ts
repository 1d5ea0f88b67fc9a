// Every workflow the worker runs. This file is the worker's `workflowsPath`.
export { orderWorkflow } from './order';
export { vinoshipperOrderAliasWorkflow } from './vinoshipper-alias';
export { redactionWorkflow, customerDataRequestWorkflow } from './privacy';
export { reconcileOrdersWorkflow } from './reconciliation';
export { shopSettingsWorkflow } from './shop-settings';
export { merchantAlertsWorkflow } from './alerts';
export { catalogCheckWorkflow } from './catalog-check';
export { dailyDigestWorkflow } from './daily-digest';
