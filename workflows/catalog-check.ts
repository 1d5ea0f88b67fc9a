// One catalogue check, started by the `cellarhand-catalog-check` schedule or on demand
// (POST /api/catalog/check): compare the shop's active SKUs with Vinoshipper's products, link the
// orders already stuck on a SKU, and email the problems found for the first time, once, in one
// email per run. Resolved problems are noted in the result. The result is what the next run compares
// with, and what GET /api/catalog/check shows. Deterministic: the I/O is in the activities.
import { proxyActivities, setCurrentDetails, upsertMemo, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { MISMATCH_WORDING, NON_RETRYABLE_FAILURE_TYPES, catalogCheckReport, type CatalogCheckActivities, type CatalogCheckReport } from '../domain';
import { EMAIL_ACTIVITY, onRateLimitedQueue, TEMPORAL_ACTIVITY } from './activity-options';

const temporal = proxyActivities<CatalogCheckActivities>(TEMPORAL_ACTIVITY);
// Pages through both catalogues; Shopify's throttle and Vinoshipper's outages are retried here. On
// the Vinoshipper queue: its calls count against the deployment's Vinoshipper budget.
const CATALOGUE_READ: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};

export async function catalogCheckWorkflow(): Promise<CatalogCheckReport> {
  const catalogues = onRateLimitedQueue<CatalogCheckActivities>('vinoshipper', CATALOGUE_READ);
  const email = onRateLimitedQueue<CatalogCheckActivities>('email', EMAIL_ACTIVITY);
  setCurrentDetails('Reading the last completed catalogue check…');
  const previous = await temporal.previousCatalogCheck();
  setCurrentDetails('Reading the Shopify and Vinoshipper catalogues…');
  const inspection = await catalogues.inspectCatalog();
  const skus = inspection.mismatches.flatMap((m) => (m.sku && m.kind !== 'variant_without_sku' ? [m.sku] : []));
  const blocked = skus.length ? await temporal.ordersBlockedBySkus(skus) : [];
  let report = catalogCheckReport(previous, inspection, blocked, new Date().toISOString());

  // Only what is new is emailed; a run whose email fails does not complete, so the next run emails it.
  if (report.newKeys.length) {
    const { workflowId, runId } = workflowInfo();
    const { emailId } = await email.sendCatalogCheckEmail({ report, idempotencyKey: `catalog-check/${workflowId}/${runId}` });
    report = { ...report, emailId };
  }
  upsertMemo({ summary: report.summary });
  showDetails(report);
  return report;
}

function showDetails(report: CatalogCheckReport): void {
  const lines = [`**${report.summary}**`, ''];
  if (report.mismatches.length) {
    lines.push('| | problem | SKU | Shopify product | stuck orders |', '|---|---|---|---|---|');
    for (const m of report.mismatches) {
      const product = m.variants.map((v) => v.productTitle).join(', ');
      const hint = m.nearMatch ? ` (Vinoshipper has \`${m.nearMatch.sku}\`)` : '';
      const stuck = m.blockedOrders.map((o) => o.shopifyOrderName).join(', ') || '—';
      lines.push(`| ${report.newKeys.includes(m.key) ? 'new' : ''} | ${MISMATCH_WORDING[m.kind].title} | \`${m.sku ?? '—'}\`${hint} | ${product} | ${stuck} |`);
    }
  }
  if (report.resolved.length) lines.push('', `Resolved since the last check: ${report.resolved.map((m) => m.sku ?? m.key).join(', ')}.`);
  lines.push('', report.emailId ? `Emailed the merchant (email ${report.emailId}).` : 'Nothing new to email.');
  setCurrentDetails(lines.join('\n'));
}
