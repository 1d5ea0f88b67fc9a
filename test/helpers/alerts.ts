// Shared by the grouped-alert tests: orders that run into an issue, and the emails about them.
import type { CapturedEmail, PlacedOrder, StackDriver } from '../../sandbox/driver';

/** Places `count` orders of one line and waits until each has handed its alert to the shop's digest. */
export async function placeBlockedOrders(shop: StackDriver, line: { sku: string; quantity: number; price: string }, count: number): Promise<PlacedOrder[]> {
  const placed: PlacedOrder[] = [];
  for (let i = 0; i < count; i++) placed.push(await shop.placeOrder({ line_items: [line] }));
  for (const order of placed) {
    await shop.waitForOrder(order.id, 'its alert handed to the digest', (v) => v.timeline.some((e) => e.event === 'alert_queued'));
  }
  return placed;
}

export async function emailsMentioning(shop: StackDriver, text: string): Promise<CapturedEmail[]> {
  return (await shop.emails()).filter((e) => e.text.includes(text));
}
