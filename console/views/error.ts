// A console page that could not be shown: what happened, in plain words, and the way back.
import { html } from './html';
import { page } from './layout';

export function errorPage(shopDomain: string, status: number, message: string): string {
  return page(
    { title: status === 404 ? 'Not found' : 'Problem', shopDomain },
    html`<section class="card narrow">
      <h1>${status === 404 ? 'Not found' : 'That did not work'}</h1>
      <p class="problem" role="alert">${message}</p>
      <p><a href="/console">Back to the inbox</a></p>
    </section>`,
  );
}
