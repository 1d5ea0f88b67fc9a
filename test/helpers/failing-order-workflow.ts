// A stand-in for a bug in the order workflow, registered under the same type on a task queue of its
// own: every workflow task throws (a TypeError is not a workflow failure), so Temporal retries the
// task forever and the order can neither act nor answer its `status` query.
export async function orderWorkflow(): Promise<never> {
  throw new TypeError("Cannot read properties of undefined (reading 'type')");
}
