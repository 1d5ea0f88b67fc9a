// The sign-in page: the console password (or the ops token), and a name recorded with what the
// person does, since the password is shared.
import { html } from './html';
import { page } from './layout';

export interface SignInView {
  shopDomain: string;
  loginToken: string;
  next: string;
  /** Why the last attempt failed, if it did. */
  problem?: string;
  name?: string;
}

export function signInPage(view: SignInView): string {
  return page(
    { title: 'Sign in', shopDomain: view.shopDomain },
    html`<section class="card narrow">
      <h1>Sign in to the console</h1>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : ''}
      <form method="post" action="/console/sign-in" class="stack">
        <input type="hidden" name="_csrf" value="${view.loginToken}" />
        <input type="hidden" name="next" value="${view.next}" />
        <label for="password">Console password <span class="hint">(CONSOLE_PASSWORD, or the ops API token)</span></label>
        <input id="password" name="password" type="password" required autocomplete="current-password" autofocus />
        <label for="name">Your name <span class="hint">(optional: recorded on the orders you act on)</span></label>
        <input id="name" name="name" type="text" maxlength="60" autocomplete="name" value="${view.name ?? ''}" />
        <button type="submit" class="primary">Sign in</button>
      </form>
    </section>`,
  );
}
