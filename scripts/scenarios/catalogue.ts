// The rehearsable scenarios: the seed's failure scenarios (docs "Handling Failed or Blocked
// Orders"), each played the way it happens in a shop, plus the happy ending, a cancellation, and
// the two early warnings: one email for a club release stuck on one SKU, and the catalogue check.
// The names are part of the product (README, `npm run scenario -- <name>`): keep them.
import { CATALOG_CHECK_ON_DEMAND_ID, alertDigestWorkflowId, type CatalogCheckReport, type SkuMismatch } from '../../domain';
import type { PlacedOrder } from '../../sandbox/driver';
import { CABERNET, RehearsalProblem, minutes, type Rehearsal } from './rehearsal';

export interface Scenario {
  name: string;
  /** One line for the list. */
  summary: string;
  /** Where it sits in the seed, printed as the rehearsal's heading. */
  seed: string;
  /** Plays it; returns how the order ended, for the summary table. Throws when it did not end as expected. */
  run(r: Rehearsal): Promise<string>;
  /** The alert mode the stack must run with (checked by the rehearsal itself; recordings start such a stack). */
  alertMode?: 'grouped';
  /** Shop-level workflows it drives besides its order (for the recorded histories). */
  workflows?: (shopDomain: string) => string[];
}

const TYPO_SKU = 'CAB-2021-75O';
const PINOT = 'PINOT-2022-750';
const TRACKING = '1Z999AA10123456784';
const OUTAGE_CALLS = 100;
const CLUB_SKU = 'CLUB-RED-2024';
const CLUB_ORDERS = 20;
const MALBEC = { sku: 'MALBEC-2022-750', title: 'Reserve Malbec 2022' };

export const SCENARIOS: Scenario[] = [
  {
    name: 'product-missing',
    summary: 'A SKU Vinoshipper does not know; corrected in Shopify and synced again automatically.',
    seed: 'Scenario 1 — order created in Shopify but no Vinoshipper order ID. Cause: the product doesn’t exist in Vinoshipper.',
    async run(r) {
      const order = await r.step(`Placing order with SKU ${TYPO_SKU}, which Vinoshipper does not know (the real SKU ends in zero: ${CABERNET.sku})`, (say) =>
        r.placeOrder({ line_items: [{ ...CABERNET, sku: TYPO_SKU }] }, say),
      );
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'product_missing', say));
      await r.step(
        `Correction (seed: “Make corrections in Shopify — CrushSuite will attempt to sync again automatically”): changing the SKU on ${order.name} to ${CABERNET.sku} in Shopify`,
        async (say) => {
          await r.shop.updateOrder(order.id, { line_items: [CABERNET] });
          say('Shopify sends cellarhand the orders/updated webhook; nobody presses retry.');
        },
      );
      return r.step('Waiting for cellarhand to sync the corrected order to Vinoshipper', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(view.vinoshipperOrderNumber!);
        say(`Vinoshipper now holds order ${held.order.orderNumber}: ${lines(held.order.products)}.`);
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'inventory-unavailable',
    summary: 'More bottles than Vinoshipper has; inventory added in Vinoshipper, then retry.',
    seed: 'Scenario 1 — order created in Shopify but no Vinoshipper order ID. Cause: inventory is unavailable in Vinoshipper.',
    async run(r) {
      const before = await r.vinoshipperProduct(PINOT);
      if (!before) throw new Error(`The Vinoshipper sandbox has no product ${PINOT} to rehearse with.`);
      await r.step(`Setting Vinoshipper’s inventory of ${PINOT} to 1 bottle (it was ${before.inventory})`, async () => {
        r.onRestore(`Vinoshipper’s inventory of ${PINOT} (${before.inventory})`, () => r.shop.setProduct(PINOT, { inventory: before.inventory }));
        await r.shop.setProduct(PINOT, { inventory: 1 });
      });
      const order = await r.step(`Placing order for 3 bottles of ${PINOT}`, (say) =>
        r.placeOrder({ line_items: [{ sku: PINOT, quantity: 3, price: '48.00' }] }, say),
      );
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'inventory_unavailable', say));
      await r.step(
        `Correction (seed: “Confirm the product exists and has inventory in Vinoshipper”): adding inventory in Vinoshipper (24 bottles), then sending “retry”`,
        async (say) => {
          await r.shop.setProduct(PINOT, { inventory: 24 });
          say(
            `Vinoshipper does not tell cellarhand about inventory; cellarhand would look again by itself every ${minutes(r.opts.issueRecheckIntervalMs)} (RECHECK_BACKOFF, first step; it backs off while nothing changes).`,
          );
          await r.shop.retry(order.id);
          say('Sent “retry” through the ops API so it looks now.');
        },
      );
      return r.step('Waiting for cellarhand to sync the order to Vinoshipper', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(view.vinoshipperOrderNumber!);
        say(`Vinoshipper now holds order ${held.order.orderNumber}: ${lines(held.order.products)}.`);
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'vinoshipper-unreachable',
    summary: 'Vinoshipper is down; cellarhand retries, flags the order, and recovers on retry once it is back.',
    seed: 'Scenario 1 — order created in Shopify but no Vinoshipper order ID. Cause: API connection issue between CrushSuite and Vinoshipper.',
    async run(r) {
      const before = await r.vinoshipperFaults();
      await r.step(`Taking Vinoshipper down: the sandbox answers its next ${OUTAGE_CALLS} API calls with 503 Service Unavailable`, async () => {
        r.onRestore('the Vinoshipper sandbox’s fault setting', () => restoreFaults(r, before));
        await r.shop.injectVinoshipperFaults({ mode: 'unavailable', count: OUTAGE_CALLS });
      });
      const order = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeOrder({ line_items: [CABERNET] }, say));
      const flagAfter = Math.max(r.opts.stepTimeoutMs, 90_000);
      await r.step('Waiting for cellarhand to give up on this attempt and flag the order (it first retries the call for about 15 s)', (say) =>
        r.expectIssue(order, 'vinoshipper_unreachable', say, flagAfter),
      );
      await r.step('Vinoshipper comes back: the sandbox stops failing', async () => {
        await r.shop.injectVinoshipperFaults({ mode: 'none' });
      });
      await r.step('Sending “retry” through the ops API', async (say) => {
        say(
          `cellarhand tries again by itself every ${minutes(r.opts.unreachableRetryIntervalMs)} (UNREACHABLE_RETRY_INTERVAL); ` +
            'the rehearsal sends “retry” instead of waiting that long.',
        );
        await r.shop.retry(order.id);
      });
      return r.step('Waiting for cellarhand to get the order into Vinoshipper', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'customer-verification',
    summary: 'Vinoshipper cannot verify the customer; details fixed in Vinoshipper, resent with retry.',
    seed: 'Scenario 2 — Vinoshipper order ID exists but the order has issues. Cause: customer verification failed.',
    async run(r) {
      const { order, vinoshipperOrderNumber } = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeSubmittedOrder(say));
      await r.step(`Vinoshipper flags order ${vinoshipperOrderNumber}: “Date of birth could not be verified” (and sends its webhook)`, async () => {
        await r.shop.flagOrder(vinoshipperOrderNumber, 'customer_verification', 'Date of birth could not be verified');
      });
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'customer_verification_failed', say));
      await r.step('Correction (seed: “Manually update the customer details in Vinoshipper and resend”): sending “retry” through the ops API', async (say) => {
        say('(In Vinoshipper you would correct the customer’s name, date of birth or address first; the sandbox has nothing to edit.)');
        await r.shop.retry(order.id);
      });
      return r.step('Waiting for cellarhand to resend the order', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(vinoshipperOrderNumber);
        say(`Vinoshipper received order ${vinoshipperOrderNumber} ${held.submissions} times (the same order, resent), with no problems left.`);
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'invalid-address',
    summary: 'Vinoshipper rejects the address; corrected in Shopify and resent automatically.',
    seed: 'Scenario 2 — Vinoshipper order ID exists but the order has issues. Cause: invalid customer address.',
    async run(r) {
      const { order, vinoshipperOrderNumber } = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeSubmittedOrder(say));
      await r.step(`Vinoshipper flags order ${vinoshipperOrderNumber}: “Street address not found” (and sends its webhook)`, async () => {
        await r.shop.flagOrder(vinoshipperOrderNumber, 'invalid_address', 'Street address not found');
      });
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'invalid_address', say));
      const street = '500 Vineyard Lane';
      await r.step(
        `Correction (seed: “Contact the customer, update the address in Shopify, and CrushSuite will auto-resend”): changing the street to ${street} in Shopify`,
        async (say) => {
          await r.shop.updateOrder(order.id, { shipping_address: { address1: street } });
          say('Shopify sends cellarhand the orders/updated webhook; nobody presses retry.');
        },
      );
      return r.step('Waiting for cellarhand to resend the corrected order', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(vinoshipperOrderNumber);
        say(
          `Vinoshipper order ${vinoshipperOrderNumber} now ships to ${held.order.shipToAddress.street1}, ${held.order.shipToAddress.city} (received ${held.submissions} times).`,
        );
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'order-item',
    summary: 'Vinoshipper flags a product on the order; fixed in Vinoshipper, resent with retry.',
    seed: 'Scenario 2 — Vinoshipper order ID exists but the order has issues. Cause: order item issues.',
    async run(r) {
      const { order, vinoshipperOrderNumber } = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeSubmittedOrder(say));
      await r.step(`Vinoshipper flags order ${vinoshipperOrderNumber}: “Product details do not match” (and sends its webhook)`, async () => {
        await r.shop.flagOrder(vinoshipperOrderNumber, 'order_item', 'Product details do not match');
      });
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'order_item_issue', say));
      await r.step('Correction (seed: “Correct the issue and the order will attempt to sync again”): sending “retry” through the ops API', async (say) => {
        say('(In Vinoshipper you would fix the product details first; the sandbox has nothing to edit.)');
        await r.shop.retry(order.id);
      });
      return r.step('Waiting for cellarhand to resend the order', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(vinoshipperOrderNumber);
        say(`Vinoshipper received order ${vinoshipperOrderNumber} ${held.submissions} times, with no problems left.`);
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'compliance-refund',
    summary: 'Shipping to CA became prohibited after checkout; compliance event recorded, customer refunded once.',
    seed: 'Scenario 3 — compliance check failed post-purchase (rules changed between checkout and processing).',
    async run(r) {
      await blockCalifornia(r);
      const order = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}, shipping to Napa, CA`, (say) => r.placeOrder({ line_items: [CABERNET] }, say));
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'compliance_failed', say));
      await r.step(
        'Correction (seed: “Contact the customer to inform them of the issue. Process a refund if the order cannot be fulfilled.”): sending “refund” through the ops API',
        async (say) => {
          await r.shop.refund(order.id, 'Cannot ship to CA any more');
          say('Reason given: “Cannot ship to CA any more”.');
        },
      );
      return r.step('Waiting for cellarhand to refund the order', async (say) => {
        const view = await r.waitForStatus(order, 'refunded');
        const shopifyOrder = await r.shop.shopifyOrder(order.id);
        const refunds = Array.isArray(shopifyOrder.refunds) ? shopifyOrder.refunds.length : 0;
        say(`Shopify order ${order.name}: ${refunds} refund${refunds === 1 ? '' : 's'}, financial status ${shopifyOrder.financial_status}.`);
        if (refunds !== 1) throw new Error(`expected exactly one refund in Shopify, found ${refunds}`);
        if (view.vinoshipperOrderNumber) {
          const held = await r.shop.vinoshipperOrder(view.vinoshipperOrderNumber);
          say(`Vinoshipper order ${view.vinoshipperOrderNumber}: ${held.order.status}.`);
        }
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'compliance-corrected',
    summary: 'Shipping to CA became prohibited after checkout; ship-to corrected to Oregon in Shopify and resent.',
    seed: 'Scenario 3 — compliance check failed post-purchase, fixed by a ship-to address in a permitted state.',
    async run(r) {
      await blockCalifornia(r);
      const order = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}, shipping to Napa, CA`, (say) => r.placeOrder({ line_items: [CABERNET] }, say));
      await r.step('Waiting for cellarhand to flag the order', (say) => r.expectIssue(order, 'compliance_failed', say));
      await r.step('Correction (after contacting the customer): changing the ship-to address to 1 Main St, Portland, OR 97201 in Shopify', async (say) => {
        await r.shop.updateOrder(order.id, {
          shipping_address: { address1: '1 Main St', city: 'Portland', province: 'Oregon', province_code: 'OR', zip: '97201' },
        });
        say('Shopify sends cellarhand the orders/updated webhook; nobody presses retry.');
      });
      return r.step('Waiting for cellarhand to resend the corrected order', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        const held = await r.shop.vinoshipperOrder(view.vinoshipperOrderNumber!);
        say(
          `Vinoshipper order ${held.order.orderNumber} now ships to ${held.order.shipToAddress.city}, ${held.order.shipToAddress.stateCode}, compliant: ${held.order.isCompliant}.`,
        );
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'fulfilment',
    summary: 'The happy ending: Vinoshipper approves and ships with tracking; fulfilled in Shopify.',
    seed: 'After submission — the order goes through: approved, shipped, fulfilled in Shopify with tracking.',
    async run(r) {
      const { order, vinoshipperOrderNumber } = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeSubmittedOrder(say));
      await r.step(`Vinoshipper approves order ${vinoshipperOrderNumber} (and sends its webhook)`, async (say) => {
        await r.shop.approveOrder(vinoshipperOrderNumber);
        const view = await r.waitForStatus(order, 'accepted');
        say(`Status: ${view.status}`);
      });
      await r.step(`Vinoshipper ships it with tracking number ${TRACKING}`, async (say) => {
        await r.shop.shipOrder(vinoshipperOrderNumber, TRACKING);
        const view = await r.waitForStatus(order, 'fulfilled');
        say(`Status: ${view.status}`);
      });
      return r.step('Checking the Shopify order', async (say) => {
        const shopifyOrder = await r.shop.shopifyOrder(order.id);
        const tracked = JSON.stringify(shopifyOrder.fulfillments ?? []).includes(TRACKING);
        say(`Shopify order ${order.name}: fulfilment status ${shopifyOrder.fulfillment_status}, tracking ${tracked ? TRACKING : 'missing'}.`);
        if (!tracked) throw new Error(`expected a fulfilment with tracking ${TRACKING} on the Shopify order`);
        return r.reportFinal(order, await r.shop.status(order.id), say);
      });
    },
  },
  {
    name: 'cancellation',
    summary: 'The order is cancelled in Shopify; cellarhand cancels it in Vinoshipper.',
    seed: 'After submission — the order is cancelled in Shopify (orders/cancelled).',
    async run(r) {
      const { order, vinoshipperOrderNumber } = await r.step(`Placing order for 1 bottle of ${CABERNET.sku}`, (say) => r.placeSubmittedOrder(say));
      await r.step(`Cancelling ${order.name} in Shopify`, async (say) => {
        await r.shop.cancelOrderInShopify(order.id);
        say('Shopify sends cellarhand the orders/cancelled webhook.');
      });
      return r.step('Waiting for cellarhand to cancel the Vinoshipper order', async (say) => {
        const view = await r.waitForStatus(order, 'cancelled');
        const held = await r.shop.vinoshipperOrder(vinoshipperOrderNumber);
        say(`Vinoshipper order ${vinoshipperOrderNumber}: ${held.order.status}.`);
        if (held.order.status !== 'CANCELLED')
          throw new Error(`expected Vinoshipper order ${vinoshipperOrderNumber} to be CANCELLED, it is ${held.order.status}`);
        return r.reportFinal(order, view, say);
      });
    },
  },
  {
    name: 'club-release',
    summary: `A club release with a SKU Vinoshipper does not know: ${CLUB_ORDERS} orders stuck, one email naming them all.`,
    seed: 'Scenario 1 at scale — the product doesn’t exist in Vinoshipper, for every order of a club release (ALERT_MODE=grouped).',
    alertMode: 'grouped',
    workflows: (shopDomain) => [alertDigestWorkflowId(shopDomain)],
    async run(r) {
      await r.step('Checking that cellarhand groups its alerts (ALERT_MODE=grouped, the default)', async (say) => {
        const alerts = await r.shop.alerts();
        if (alerts.mode !== 'grouped') {
          throw new RehearsalProblem(
            'The stack runs with ALERT_MODE=per_order: this rehearsal shows grouped alerts. Start it with ALERT_MODE=grouped (the default).',
          );
        }
        say(`Alerts of one cause are collected for ${minutes(alerts.windowMs)} (ALERT_GROUP_WINDOW), then sent as one email.`);
      });
      const before = (await r.shop.emails()).length;
      const orders = await r.step(`Placing ${CLUB_ORDERS} club orders of ${CLUB_SKU}, a wine not yet added in Vinoshipper`, async (say) => {
        const placed: PlacedOrder[] = [];
        for (let i = 0; i < CLUB_ORDERS; i++)
          placed.push(await r.shop.placeOrder({ line_items: [{ sku: CLUB_SKU, quantity: 2, price: '55.00' }], tags: ['club'] }));
        r.current = placed[placed.length - 1];
        say(`Shopify orders ${placed[0].name} to ${placed[placed.length - 1].name}; each arrives as an orders/create webhook.`);
        return placed;
      });
      await r.step('Waiting for cellarhand to flag each order and hand its alert to the shop’s alert digest', async (say) => {
        for (const order of orders) {
          await r.waitForOrder(
            order,
            'product_missing with its alert queued',
            (v) => v.issue?.type === 'product_missing' && v.timeline.some((e) => e.event === 'alert_queued'),
          );
        }
        const pending = (await r.shop.alerts()).groups.find((g) => g.pendingOrders.includes(orders[0].name));
        say(`All ${CLUB_ORDERS} are needs_attention / product_missing; no email yet (${(await r.shop.emails()).length - before} sent).`);
        if (pending) say(`The digest holds them under one cause (“${pending.description}”), email due ${pending.sendsAt}.`);
      });
      const mail = await r.step('Waiting for the one email', async (say) => {
        const windowMs = (await r.shop.alerts()).windowMs;
        if (windowMs > r.opts.stepTimeoutMs / 2) {
          say(`The window is ${minutes(windowMs)}; the rehearsal asks the digest to send now (POST /api/alerts/send-now), as an operator can.`);
          await r.shop.sendAlertsNow();
        }
        const found = await r.pollFor(orders[0], `one email naming all ${CLUB_ORDERS} orders`, async () =>
          (await r.shop.emails()).slice(before).find((e) => orders.every((o) => e.text.includes(`${o.name}:`))),
        );
        const sent = (await r.shop.emails())
          .slice(before)
          .filter((e) => orders.some((o) => e.text.includes(`${o.name}:`) || e.subject.includes(`Order ${o.name}:`)));
        say(`Email to the merchant: “${found.subject}”, naming all ${CLUB_ORDERS} orders, with the details, the suggested steps and a link to each.`);
        if (sent.length !== 1) throw new Error(`expected exactly one email about the ${CLUB_ORDERS} orders, the sandbox received ${sent.length}`);
        return found;
      });
      await r.step(
        `Correction (seed: “Confirm the product exists in Vinoshipper”): adding ${CLUB_SKU} in Vinoshipper, then sending “retry” for each order`,
        async (say) => {
          r.onRestore(`the Vinoshipper product ${CLUB_SKU}`, () => r.shop.deleteProduct(CLUB_SKU));
          await r.shop.setProduct(CLUB_SKU, { name: 'Club Red 2024', inventory: CLUB_ORDERS * 2 });
          say(
            `cellarhand would look again by itself every ${minutes(r.opts.issueRecheckIntervalMs)} (RECHECK_BACKOFF, first step); the rehearsal sends “retry” instead.`,
          );
          for (const order of orders) await r.shop.retry(order.id);
        },
      );
      return r.step(`Waiting for all ${CLUB_ORDERS} orders to reach Vinoshipper`, async (say) => {
        for (const order of orders) await r.waitForStatus(order, 'submitted');
        const told = await r.shop.status(orders[0].id);
        const note = told.timeline.find((e) => e.event === 'merchant_told');
        if (note) say(`Each order’s timeline records it: “${note.message}”`);
        say(`${CLUB_ORDERS} orders submitted after one email (${mail.subject.split(':')[0]}).`);
        return `${CLUB_ORDERS} orders, 1 email, all submitted`;
      });
    },
  },
  {
    name: 'catalogue-mismatch',
    summary: 'The catalogue check finds a Shopify SKU Vinoshipper lacks before any order; fixed in Vinoshipper, then resolved.',
    seed: 'Before Scenario 1 — the SKU mismatch (the most frequent sync failure) caught by the catalogue check, before an order fails on it.',
    workflows: () => [CATALOG_CHECK_ON_DEMAND_ID],
    async run(r) {
      await r.step(`The merchant adds “${MALBEC.title}” (SKU ${MALBEC.sku}) in Shopify, but not yet in Vinoshipper`, async () => {
        r.onRestore(`the Shopify product ${MALBEC.sku}`, () => r.shop.deleteShopifyProduct(MALBEC.sku));
        await r.shop.setShopifyProduct(MALBEC.sku, { title: MALBEC.title });
      });
      await r.step('Running the catalogue check now (POST /api/catalog/check; the schedule runs it every CATALOG_CHECK_INTERVAL)', async (say) => {
        const report = await checkNow(r);
        const found = report.mismatches.find((m) => m.sku === MALBEC.sku);
        if (!found) throw new Error(`expected the check to report ${MALBEC.sku}; it found: ${report.summary}`);
        say(report.summary);
        say(describeMismatch(found));
        if (report.newKeys.includes(found.key)) {
          const mail = await r.shop.poll('the catalogue check email', async () => (await r.shop.emails()).find((e) => e.text.includes(MALBEC.sku)) ?? null);
          say(`Email to the merchant: “${mail.subject}”`);
        } else {
          say('(Reported by an earlier check already: not emailed again.)');
        }
      });
      await r.step(`Correction: adding ${MALBEC.sku} in Vinoshipper`, async () => {
        r.onRestore(`the Vinoshipper product ${MALBEC.sku}`, () => r.shop.deleteProduct(MALBEC.sku));
        await r.shop.setProduct(MALBEC.sku, { name: MALBEC.title, inventory: 60 });
      });
      await r.step('Running the catalogue check again', async (say) => {
        const report = await checkNow(r);
        say(report.summary);
        if (!report.resolved.some((m) => m.sku === MALBEC.sku))
          throw new Error(`expected ${MALBEC.sku} to be reported resolved; the check said: ${report.summary}`);
        say(`${MALBEC.sku} is marked resolved.`);
      });
      const order = await r.step(`Placing an order for 1 bottle of ${MALBEC.sku}`, (say) =>
        r.placeOrder({ line_items: [{ sku: MALBEC.sku, quantity: 1, price: '39.00' }] }, say),
      );
      return r.step('Waiting for cellarhand to sync it: no order ever failed on the mismatch', async (say) => {
        const view = await r.waitForStatus(order, 'submitted');
        return r.reportFinal(order, view, say);
      });
    },
  },
];

async function blockCalifornia(r: Rehearsal): Promise<void> {
  const { blockedStates } = await r.shop.blockedStates();
  await r.step(`Vinoshipper’s compliance rules change: wine may no longer ship to CA (blocked now: ${[...blockedStates, 'CA'].join(', ')})`, async () => {
    r.onRestore(`Vinoshipper’s blocked states (${blockedStates.join(', ') || 'none'})`, () => r.shop.setBlockedStates(blockedStates));
    await r.shop.setBlockedStates([...new Set([...blockedStates, 'CA'])]);
  });
}

async function restoreFaults(r: Rehearsal, before: Awaited<ReturnType<Rehearsal['vinoshipperFaults']>>): Promise<void> {
  if (before.mode === 'none') {
    await r.shop.injectVinoshipperFaults({ mode: 'none' });
    return;
  }
  await r.shop.injectVinoshipperFaults({ mode: before.mode, count: before.remaining ?? undefined, rate: before.rate ?? undefined });
}

function lines(products: Array<{ sku: string; quantity: number }>): string {
  return products.map((p) => `${p.quantity} × ${p.sku}`).join(', ');
}

/** Runs the catalogue check and waits until it is the latest completed one (the next compares with it). */
async function checkNow(r: Rehearsal): Promise<CatalogCheckReport> {
  const answer = await r.shop.runCatalogCheck(Math.ceil(r.opts.stepTimeoutMs / 1000));
  const report = answer.report;
  if (!report) throw new Error('the catalogue check took longer than the step timeout');
  await r.shop.poll('the check to be the latest', async () => ((await r.shop.latestCatalogCheck()).latest?.checkedAt === report.checkedAt ? true : null));
  return report;
}

function describeMismatch(m: SkuMismatch): string {
  const product = m.variants.map((v) => v.productTitle).join(', ');
  const hint = m.nearMatch ? `; Vinoshipper has “${m.nearMatch.sku}” (differs only in ${m.nearMatch.differsIn})` : '';
  const stuck = m.blockedOrders.length
    ? `; orders already stuck: ${m.blockedOrders.map((o) => o.shopifyOrderName).join(', ')}`
    : '; no order is stuck on it yet';
  return `Found: ${m.kind.replace(/_/g, ' ')} — SKU ${m.sku} (${product})${hint}${stuck}.`;
}
